/**
 * Thresholds of the diagnostics: the `diagnostics` config section (strict,
 * every key defaulted). Percentages are whole percent (85 = 85 %), so the
 * evidence can echo them exactly as the admin wrote them.
 *
 * @example
 * ```ts
 * import { DiagnosticsSchema } from "./thresholds.ts";
 * const t = DiagnosticsSchema.parse({ node_memory_warning_pct: 80 });
 * console.log(t.node_memory_warning_pct, t.storage_critical_pct); // 80 95
 * ```
 *
 * @module
 */

import { type Infer, num as numberIn, strictObject, withDefault } from "../config/spec.ts";

/** A number (or numeric string) from min to max, `def` when absent. */
const num = (min: number, max: number, def: number) => withDefault(numberIn(min, max), def);

/** The `diagnostics` config section. */
export const DiagnosticsSchema = strictObject({
  node_cpu_warning_pct: num(1, 100, 85),
  node_cpu_critical_pct: num(1, 100, 95),
  node_memory_warning_pct: num(1, 100, 85),
  node_memory_critical_pct: num(1, 100, 95),
  node_swap_warning_pct: num(1, 100, 50),
  node_rootfs_warning_pct: num(1, 100, 85),
  node_rootfs_critical_pct: num(1, 100, 95),
  storage_warning_pct: num(1, 100, 85),
  storage_critical_pct: num(1, 100, 95),
  /** Failed tasks younger than this are reported. */
  task_window_hours: num(1, 24 * 90, 24),
  guest_memory_warning_pct: num(1, 100, 90),
  guest_disk_warning_pct: num(1, 100, 85),
  backup_max_age_days: num(1, 3650, 7),
  snapshot_max_age_days: num(1, 3650, 30),
  /** Average CPU below this over the window marks a guest idle. */
  idle_cpu_pct: num(0, 100, 5),
  /** Average memory use below this share of the allocation marks it oversized. */
  oversized_memory_pct: num(0, 100, 30),
  /** Running guests' memory beyond this share of the node's RAM is overcommit. */
  memory_overcommit_pct: num(10, 1000, 100),
  /** vCPUs per host thread beyond which CPU is overcommitted. */
  cpu_overcommit_ratio: num(0.1, 100, 4),
  /** Stopped guests and templates with more allocated disk than this are listed. */
  large_disk_gib: num(1, 1_000_000, 100),
  /** Most guests whose RRD history one optimisation run reads (one request each). */
  max_rrd_guests: num(1, 5000, 50),
  /** Most guests whose firewall options one security run reads (one request each). */
  max_firewall_guests: num(1, 5000, 100),
});

/** Validated thresholds. */
export type Thresholds = Infer<typeof DiagnosticsSchema>;

/** The defaults, for callers without a config section. */
export const DEFAULT_THRESHOLDS: Thresholds = DiagnosticsSchema.parse({});

/** The thresholds from a config that may predate the `diagnostics` section. */
export function thresholdsOf(config: unknown): Thresholds {
  const section = (config as { diagnostics?: unknown } | undefined)?.diagnostics;
  return section === undefined ? DEFAULT_THRESHOLDS : DiagnosticsSchema.parse(section);
}
