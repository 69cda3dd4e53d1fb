/**
 * Small statistics and table helpers for the benchmark.
 *
 * @example
 * ```ts
 * import { percentile, table } from "./stats.ts";
 * console.log(percentile([3, 1, 2], 50)); // 2
 * console.log(table(["a", "b"], [["1", "2"]]));
 * ```
 *
 * @module
 */

/** The p-th percentile (nearest rank) of `values`; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Milliseconds with one decimal below 10, whole above. */
export function ms(v: number): string {
  if (!Number.isFinite(v)) return "-";
  return v < 10 ? v.toFixed(1) : Math.round(v).toString();
}

/** Bytes as B / KB / MB (1024-based, one decimal). */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** A Markdown table; numeric-looking columns are right-aligned. */
export function table(head: string[], rows: string[][]): string {
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const right = head.map((_, i) => rows.every((r) => /^[-\d.,x×~ <>%KMB]*$/.test(r[i])));
  const line = (cells: string[]) =>
    "| " +
    cells.map((c, i) => (right[i] ? c.padStart(width[i]) : c.padEnd(width[i]))).join(" | ") +
    " |";
  const rule = "|" + width.map((w, i) => (right[i] ? "-".repeat(w + 1) + ":" : "-".repeat(w + 2)))
    .join("|") +
    "|";
  return [line(head), rule, ...rows.map(line)].join("\n");
}

/** Groups `at` timestamps into sequential waves: a new wave starts `gap` ms after the last one's start. */
export function waves(times: readonly number[], gap: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let count = 0;
  let start = -Infinity;
  for (const t of sorted) {
    if (t - start >= gap) {
      count++;
      start = t;
    }
  }
  return count;
}
