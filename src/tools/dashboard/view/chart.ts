/// <reference lib="dom" />
/**
 * Small SVG line charts, drawn with DOM calls (no innerHTML): one or two
 * series over time, y from 0 to the series' max (or 1 for fractions), gaps
 * left as gaps.
 *
 * @example
 * ```ts ignore
 * box.append(lineChart("CPU", [0, 60], [{ values: [0.1, 0.3], label: "cpu" }], "pct"));
 * ```
 *
 * @module
 */

const NS = "http://www.w3.org/2000/svg";
const W = 320;
const H = 90;

/** One line. */
export interface Line {
  label: string;
  values: (number | null)[];
}

/** How values read: a fraction as %, or bytes per second. */
export type Unit = "pct" | "rate";

function el(name: string, attrs: Record<string, string | number>): SVGElement {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

/** Human text of one value. */
export function formatValue(v: number, unit: Unit): string {
  if (unit === "pct") return `${Math.round(v * 100)}%`;
  const units = ["B/s", "KiB/s", "MiB/s", "GiB/s"];
  let i = 0;
  while (v >= 1024 && i < units.length - 1) (v /= 1024), i++;
  return `${v >= 100 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** A titled chart of `lines` over `t` (unix seconds). */
export function lineChart(title: string, t: number[], lines: Line[], unit: Unit): HTMLElement {
  const fig = document.createElement("figure");
  fig.className = "chart";
  const cap = document.createElement("figcaption");
  const all = lines.flatMap((l) => l.values).filter((v): v is number => v !== null);
  const max = unit === "pct" ? 1 : Math.max(1, ...all);
  const last = lines.map((l) => {
    const v = [...l.values].reverse().find((x) => x !== null);
    return `${l.label} ${v === undefined || v === null ? "–" : formatValue(v, unit)}`;
  });
  cap.textContent = `${title} · ${last.join(" · ")}`;
  const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": title });
  svg.append(el("line", { x1: 0, y1: H - 0.5, x2: W, y2: H - 0.5, class: "axis" }));
  const t0 = t[0] ?? 0;
  const span = Math.max(1, (t.at(-1) ?? 1) - t0);
  lines.forEach((l, i) => {
    let d = "";
    let pen = false;
    l.values.forEach((v, j) => {
      if (v === null) return void (pen = false);
      const x = ((t[j] - t0) / span) * W;
      const y = H - 2 - (Math.min(v, max) / max) * (H - 6);
      d += `${pen ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`;
      pen = true;
    });
    if (d) svg.append(el("path", { d, class: `line s${i}` }));
  });
  fig.append(cap, svg);
  return fig;
}
