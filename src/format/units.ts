/**
 * Human units for tool text: bytes (IEC), percentages, durations.
 *
 * @example
 * ```ts
 * import { formatBytes, formatDuration, formatPercent } from "./units.ts";
 * console.log(formatBytes(34359738368)); // "32 GiB"
 * console.log(formatPercent(0.1234)); // "12.3%"
 * console.log(formatDuration(93784)); // "1d 2h 3m"
 * ```
 *
 * @module
 */

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
// Built on first use: creating a NumberFormat costs ~12 ms, which start-up need not pay.
let formatter: Intl.NumberFormat | undefined;
const num = {
  format: (v: number) =>
    (formatter ??= new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 })).format(v),
};

/** Bytes with binary prefixes, one decimal at most. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return "n/a";
  let v = Math.max(0, bytes);
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${num.format(v)} ${UNITS[i]}`;
}

/** A fraction (0..1) as a percentage with one decimal. */
export function formatPercent(fraction: number | undefined): string {
  if (fraction === undefined || !Number.isFinite(fraction)) return "n/a";
  return `${num.format(fraction * 100)}%`;
}

/** Used/total as "3 GiB / 8 GiB (37.5%)". */
export function formatUsage(used: number | undefined, total: number | undefined): string {
  if (!total) return formatBytes(used);
  return `${formatBytes(used)} / ${formatBytes(total)} (${formatPercent((used ?? 0) / total)})`;
}

/** Seconds as "1d 2h 3m" (largest three units, minutes at least). */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return "n/a";
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d) return `${d}d ${h}h ${m}m`;
  if (h) return `${h}h ${m}m`;
  if (m) return `${m}m`;
  return `${Math.floor(seconds)}s`;
}

/** A ratio rounded to four decimals, for structured output. */
export function ratio(part: number | undefined, whole: number | undefined): number | null {
  if (part === undefined || !whole) return null;
  return Math.round((part / whole) * 10000) / 10000;
}
