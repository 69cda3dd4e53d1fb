/// <reference lib="dom" />
/**
 * The guest list: search, filters (status, node, tag), sort, and a
 * virtualised body — fixed row height, only the visible rows exist in the
 * DOM, the scroller's height never depends on the count — so 10 or 10,000
 * guests render at the same cost and nothing below moves.
 *
 * @example
 * ```ts ignore
 * const list = new GuestList(container, (g, action) => run(g, action));
 * list.set(picture.guests, picture.nodes.map((n) => n.name));
 * ```
 *
 * @module
 */

import type { Picture } from "../picture.ts";
import { bytes, h } from "./dom.ts";

type Guest = Picture["guests"][number];
type Action = Guest["actions"][number];

/** Pixel height of one row (CSS `.row` uses the same). */
export const ROW_H = 34;
const VISIBLE = 12;
const OVERSCAN = 4;

const LABEL: Record<Action, string> = {
  start: "Start",
  shutdown: "Shut down",
  reboot: "Reboot",
  snapshot: "Snapshot",
};

/** Which of a guest's permitted actions make sense in its current state. */
export function actionsFor(g: Guest): Action[] {
  return g.actions.filter((a) =>
    a === "snapshot" || (a === "start" ? g.status === "stopped" : g.status === "running")
  ).filter(() => g.lock === null);
}

export class GuestList {
  #all: Guest[] = [];
  #shown: Guest[] = [];
  readonly #search = h("input", {
    type: "search",
    placeholder: "Search name, VMID, tag",
    "aria-label": "Search guests",
  }) as HTMLInputElement;
  readonly #status = h("select", { "aria-label": "Status" }) as HTMLSelectElement;
  readonly #node = h("select", { "aria-label": "Node" }) as HTMLSelectElement;
  readonly #tag = h("select", { "aria-label": "Tag" }) as HTMLSelectElement;
  readonly #sort = h("select", { "aria-label": "Sort" }) as HTMLSelectElement;
  readonly #count = h("span", { class: "count", "data-testid": "guest-count" });
  readonly #scroller = h("div", { class: "scroller", "data-testid": "guest-scroller" });
  readonly #spacer = h("div", { class: "spacer" });
  readonly #rows = h("div", { class: "rows" });

  constructor(
    root: HTMLElement,
    private readonly onAction: (g: Guest, a: Action) => void,
    private readonly onPick: (g: Guest) => void,
  ) {
    for (
      const [v, t] of [
        ["vmid", "VMID"],
        ["name", "Name"],
        ["cpu", "CPU"],
        ["mem", "Memory"],
        ["disk", "Disk"],
        ["status", "Status"],
        ["node", "Node"],
      ]
    ) {
      this.#sort.append(h("option", { value: v }, `Sort: ${t}`));
    }
    this.#scroller.style.height = `${ROW_H * VISIBLE}px`;
    this.#spacer.append(this.#rows);
    this.#scroller.append(this.#spacer);
    const bar = h(
      "div",
      { class: "toolbar" },
      this.#search,
      this.#status,
      this.#node,
      this.#tag,
      this.#sort,
      this.#count,
    );
    root.append(bar, this.#scroller);
    for (const c of [this.#search, this.#status, this.#node, this.#tag, this.#sort]) {
      c.addEventListener("input", () => this.#apply());
    }
    this.#scroller.addEventListener("scroll", () => this.#paint(), { passive: true });
  }

  /** Replaces the data, keeping the current filters where they still apply. */
  set(guests: Guest[], nodes: string[]): void {
    this.#all = guests;
    const tags = [...new Set(guests.flatMap((g) => g.tags))].sort();
    const statuses = [...new Set(guests.map((g) => g.template ? "template" : g.status))].sort();
    fill(this.#status, "All states", statuses);
    fill(this.#node, "All nodes", nodes);
    fill(this.#tag, "All tags", tags);
    this.#apply();
  }

  #apply(): void {
    const q = this.#search.value.trim().toLowerCase();
    const st = this.#status.value, node = this.#node.value, tag = this.#tag.value;
    this.#shown = this.#all.filter((g) =>
      (!st || (g.template ? "template" : g.status) === st) && (!node || g.node === node) &&
      (!tag || g.tags.includes(tag)) &&
      (!q || String(g.vmid).includes(q) || (g.name ?? "").toLowerCase().includes(q) ||
        g.tags.some((t) => t.toLowerCase().includes(q)))
    );
    const key = this.#sort.value as keyof Guest;
    const num = (g: Guest) =>
      key === "cpu" ? g.cpu * g.maxcpu : key === "mem" ? g.mem : key === "disk" ? g.disk : 0;
    this.#shown.sort((a, b) =>
      key === "name" || key === "status" || key === "node"
        ? String(a[key] ?? "").localeCompare(String(b[key] ?? ""), "en", { numeric: true }) ||
          a.vmid - b.vmid
        : key === "vmid"
        ? a.vmid - b.vmid
        : num(b) - num(a) || a.vmid - b.vmid
    );
    this.#count.textContent = `${this.#shown.length} of ${this.#all.length} guests`;
    this.#spacer.style.height = `${this.#shown.length * ROW_H}px`;
    this.#paint();
  }

  #paint(): void {
    const first = Math.max(0, Math.floor(this.#scroller.scrollTop / ROW_H) - OVERSCAN);
    const last = Math.min(this.#shown.length, first + VISIBLE + 2 * OVERSCAN);
    this.#rows.style.transform = `translateY(${first * ROW_H}px)`;
    this.#rows.replaceChildren(...this.#shown.slice(first, last).map((g) => this.#row(g)));
  }

  #row(g: Guest): HTMLElement {
    const state = g.template ? "template" : g.status;
    const buttons = actionsFor(g).map((a) => {
      const b = h("button", {
        type: "button",
        class: `act ${a}`,
        "data-action": a,
        "data-vmid": g.vmid,
      }, LABEL[a]);
      b.addEventListener("click", () => this.onAction(g, a));
      return b;
    });
    const id = h(
      "button",
      { type: "button", class: "c-id", title: "Show metrics" },
      String(g.vmid),
    );
    id.addEventListener("click", () => this.onPick(g));
    return h(
      "div",
      { class: `row ${state}`, "data-vmid": g.vmid },
      id,
      h(
        "span",
        { class: "c-name", title: g.name ?? "" },
        g.name ?? "(no name)",
        g.lock ? h("em", { class: "lock" }, ` locked: ${g.lock}`) : null,
      ),
      h("span", { class: `c-st st-${state}` }, `${g.type === "lxc" ? "CT" : "VM"} · ${state}`),
      h("span", { class: "c-node" }, g.node),
      h("span", { class: "c-tags" }, ...g.tags.map((t) => h("span", { class: "tag" }, t))),
      h("span", { class: "c-num" }, g.status === "running" ? `${Math.round(g.cpu * 100)}%` : "–"),
      h(
        "span",
        { class: "c-num" },
        g.maxmem ? bytes(g.status === "running" ? g.mem : 0) + " / " + bytes(g.maxmem) : "–",
      ),
      h("span", { class: "c-num" }, g.maxdisk ? bytes(g.maxdisk) : "–"),
      h("span", { class: "c-act" }, ...buttons),
    );
  }
}

function fill(sel: HTMLSelectElement, all: string, values: string[]): void {
  const keep = sel.value;
  sel.replaceChildren(
    h("option", { value: "" }, all),
    ...values.map((v) => h("option", { value: v }, v)),
  );
  sel.value = values.includes(keep) ? keep : "";
}
