/// <reference lib="dom" />
/**
 * DOM helpers of the view: elements built with textContent only (guest names
 * and tags come from PVE and are never parsed as HTML), usage bars and
 * human units.
 *
 * @example
 * ```ts ignore
 * document.body.append(h("p", { class: "note" }, "hello"));
 * ```
 *
 * @module
 */

/** An element with attributes and children (strings become text nodes). */
export function h(
  tag: string,
  attrs: Record<string, string | number | boolean | undefined> = {},
  ...children: (Node | string | null | undefined)[]
): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

/** Bytes as KiB/MiB/GiB/TiB. */
export function bytes(n: number): string {
  const u = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) (n /= 1024), i++;
  return `${n >= 100 || i === 0 ? Math.round(n) : n.toFixed(1)} ${u[i]}`;
}

/** Seconds as "3d 4h", "2h 5m" or "7m". */
export function duration(s: number): string {
  const d = Math.floor(s / 86400),
    hr = Math.floor((s % 86400) / 3600),
    m = Math.floor((s % 3600) / 60);
  return d ? `${d}d ${hr}h` : hr ? `${hr}h ${m}m` : `${m}m`;
}

/** A usage bar with its label; warn ≥ 85 %, crit ≥ 95 %. */
export function bar(used: number, total: number, label: string): HTMLElement {
  const f = total > 0 ? Math.min(1, used / total) : 0;
  const level = f >= 0.95 ? "crit" : f >= 0.85 ? "warn" : "ok";
  const fill = h("span", { class: `fill ${level}` });
  fill.style.width = `${(f * 100).toFixed(1)}%`;
  return h(
    "div",
    { class: "bar", title: label },
    h("span", { class: "track" }, fill),
    h("span", { class: "bl" }, label),
  );
}
