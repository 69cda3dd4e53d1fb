/// <reference lib="dom" />
/**
 * The dashboard view (bundled into one HTML page by scripts/build_dashboard.ts):
 * waits for `show_cluster`'s result from the host, renders the cluster, asks
 * `dashboard_metrics` for the charts, and runs the guest buttons through
 * `dashboard_action`, following the PVE task until it ends. Every button
 * shown is one the server said is permitted (`actions` per guest).
 *
 * @example
 * ```ts ignore
 * // Runs in the sandboxed iframe the host creates; nothing to call.
 * ```
 *
 * @module
 */

import type { Picture } from "../picture.ts";
import type { ChartSeries as Series } from "../series.ts";
import { type ToolResult, ViewBridge } from "./bridge.ts";
import { bar, bytes, duration, h } from "./dom.ts";
import { GuestList } from "./guests.ts";
import { lineChart } from "./chart.ts";

type Guest = Picture["guests"][number];

const bridge = new ViewBridge(globalThis.parent);
const $ = (id: string) => document.getElementById(id)!;
let picture: Picture | undefined;
let chartTarget: { node: string; vmid?: number; label: string } | undefined;
let timeframe: "hour" | "day" | "week" = "hour";

const guests = new GuestList(
  $("guests"),
  (g, a) => void act(g, a),
  (g) => void chart({ node: g.node, vmid: g.vmid, label: `${g.vmid} ${g.name ?? ""}` }),
);

function applyTheme(theme: unknown): void {
  document.documentElement.dataset.theme = theme === "dark" ? "dark" : "light";
}

function status(text: string, level: "info" | "ok" | "error" = "info"): void {
  const s = $("status");
  s.className = `status ${level}`;
  s.textContent = text;
}

function renderHeader(p: Picture): void {
  const c = p.overview;
  const q = c.quorate === null
    ? ["unknown", "quorum unknown"]
    : c.quorate
    ? ["ok", "quorate"]
    : ["crit", "NOT QUORATE"];
  const ha = p.ha
    ? `HA: ${p.ha.services} services${p.ha.error.length ? `, ${p.ha.error.length} in error` : ""}`
    : "HA: not read";
  $("header").replaceChildren(
    h("h1", {}, c.name ?? "Proxmox VE"),
    h("span", { class: `badge ${q[0]}`, "data-testid": "quorum" }, q[1]),
    h("span", {
      class: `badge ${c.nodes_online < c.nodes_total ? "crit" : "ok"}`,
      "data-testid": "nodes-online",
    }, `${c.nodes_online}/${c.nodes_total} nodes online`),
    h("span", { class: `badge ${p.ha?.error.length ? "crit" : "info"}` }, ha),
    ...(p.read_only ? [h("span", { class: "badge info" }, "read-only")] : []),
  );
  $("warnings").replaceChildren(...p.warnings.map((w) => h("li", {}, w)));
}

function renderNodes(p: Picture): void {
  $("nodes").replaceChildren(...p.nodes.map((n) => {
    const card = h(
      "button",
      {
        type: "button",
        class: `node ${n.online ? "online" : "offline"}`,
        "data-node": n.name,
        disabled: !n.online,
        "aria-label": `${n.name} ${n.online ? "online" : "offline"}`,
      },
      h("strong", {}, n.name),
      h("span", { class: `badge ${n.online ? "ok" : "crit"}` }, n.online ? "online" : "OFFLINE"),
      n.online
        ? bar(n.cpu, 1, `CPU ${Math.round(n.cpu * 100)}% of ${n.maxcpu}`)
        : h("p", { class: "down" }, "not reachable: no data"),
      n.online ? bar(n.mem, n.maxmem, `RAM ${bytes(n.mem)} / ${bytes(n.maxmem)}`) : null,
      n.online ? h("small", {}, `up ${duration(n.uptime)}`) : null,
    );
    card.addEventListener("click", () => void chart({ node: n.name, label: `node ${n.name}` }));
    return card;
  }));
}

function renderStorage(p: Picture): void {
  $("storage").replaceChildren(...p.storage.map((s) =>
    h(
      "div",
      { class: `store ${s.status === "available" ? "" : "na"}` },
      h(
        "span",
        { class: "s-name" },
        `${s.storage}`,
        h("small", {}, ` @${s.node}${s.shared ? " · shared" : ""}`),
      ),
      s.status === "available"
        ? bar(s.used, s.total, `${bytes(s.used)} / ${bytes(s.total)}`)
        : h("span", { class: "badge crit" }, s.status),
    )
  ));
}

function renderTasks(p: Picture): void {
  const item = (t: Picture["tasks"]["running"][number], cls: string) =>
    h(
      "li",
      { class: cls },
      `${t.type} ${t.id} @${t.node}`,
      h(
        "small",
        {},
        ` ${new Date(t.starttime * 1000).toLocaleString()}${
          t.exitstatus ? ` · ${t.exitstatus}` : ""
        }`,
      ),
    );
  $("tasks").replaceChildren(
    h("h3", {}, `Running (${p.tasks.running.length})`),
    h("ul", {}, ...p.tasks.running.map((t) => item(t, "run"))),
    h("h3", {}, `Recent failures (${p.tasks.failed.length})`),
    h("ul", {}, ...p.tasks.failed.map((t) => item(t, "fail"))),
  );
}

function render(p: Picture): void {
  picture = p;
  renderHeader(p);
  renderNodes(p);
  guests.set(p.guests, p.nodes.map((n) => n.name));
  renderStorage(p);
  renderTasks(p);
  document.body.dataset.ready = "1";
  bridge.sizeChanged(document.documentElement.scrollHeight);
}

async function chart(target: { node: string; vmid?: number; label: string }): Promise<void> {
  chartTarget = target;
  $("chart-title").textContent = `Metrics: ${target.label} (${timeframe})`;
  const args: Record<string, unknown> = { node: target.node, timeframe };
  if (target.vmid !== undefined) args.vmid = target.vmid;
  try {
    const r = await bridge.callTool("dashboard_metrics", args);
    if (r.isError) throw new Error(text(r));
    const s = r.structuredContent as unknown as Series;
    $("charts").replaceChildren(
      lineChart("CPU", s.t, [{ label: "cpu", values: s.cpu }], "pct"),
      lineChart("Memory", s.t, [{ label: "mem", values: s.mem }], "pct"),
      lineChart("Network", s.t, [{ label: "in", values: s.netin }, {
        label: "out",
        values: s.netout,
      }], "rate"),
      lineChart("Disk I/O", s.t, [{ label: "read", values: s.diskread }, {
        label: "write",
        values: s.diskwrite,
      }], "rate"),
    );
    $("charts").dataset.points = String(s.t.length);
  } catch (e) {
    $("charts").replaceChildren(h("p", { class: "down" }, `No chart: ${(e as Error).message}`));
  }
}

const text = (r: ToolResult) =>
  r.content?.map((c) => ("text" in c ? c.text : "")).join("\n") || "no answer";

async function act(g: Guest, action: Guest["actions"][number]): Promise<void> {
  const who = `${g.type === "lxc" ? "CT" : "VM"} ${g.vmid}${g.name ? ` (${g.name})` : ""}`;
  status(`${action} ${who}: asking the server…`);
  try {
    const r = await bridge.callTool("dashboard_action", {
      action,
      vmid: g.vmid,
      type: g.type,
      node: g.node,
    });
    const s = r.structuredContent as
      | { result?: string; message?: string; upid?: string | null }
      | undefined;
    if (r.isError || !s) return status(`${action} ${who}: ${text(r)}`, "error");
    if (s.result === "started" && s.upid) return await follow(s.upid, `${action} ${who}`);
    status(`${action} ${who}: ${s.message ?? s.result}`, "ok");
    await refresh();
  } catch (e) {
    status(`${action} ${who}: ${(e as Error).message}`, "error");
  }
}

/** Polls the PVE task until it ends (at most 10 minutes), then refreshes the picture. */
async function follow(upid: string, what: string): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < 600_000) {
    const r = await bridge.callTool("get_task_status", { upid });
    const s = r.structuredContent as { status?: string; exitstatus?: string | null } | undefined;
    if (r.isError || !s) return status(`${what}: ${text(r)}`, "error");
    if (s.status !== "running") {
      status(`${what}: ${s.exitstatus ?? s.status}`, s.status === "error" ? "error" : "ok");
      return await refresh();
    }
    status(`${what}: running for ${Math.round((Date.now() - started) / 1000)} s…`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  status(`${what}: still running after 10 minutes (task ${upid})`, "error");
}

async function refresh(): Promise<void> {
  const r = await bridge.callTool("show_cluster", {});
  if (!r.isError && r.structuredContent) render(r.structuredContent as unknown as Picture);
}

for (const tf of ["hour", "day", "week"] as const) {
  const b = h("button", { type: "button", class: "tf", "data-tf": tf }, tf);
  b.addEventListener("click", () => {
    timeframe = tf;
    if (chartTarget) void chart(chartTarget);
  });
  $("timeframes").append(b);
}

bridge.onToolResult = (r) => {
  if (r.isError || !r.structuredContent) return status(text(r), "error");
  render(r.structuredContent as unknown as Picture);
  const first = picture!.nodes.find((n) => n.online);
  if (first && !chartTarget) void chart({ node: first.name, label: `node ${first.name}` });
};
bridge.onHostContext = (c) => {
  if (c.theme) applyTheme(c.theme);
};
applyTheme(globalThis.matchMedia?.("(prefers-color-scheme: dark)").matches ? "dark" : "light");
bridge.connect({ name: "proxmox-dashboard", version: "1.0.0" })
  .then((c) => c.theme && applyTheme(c.theme))
  .catch((e) => status(`host did not answer: ${(e as Error).message}`, "error"));
