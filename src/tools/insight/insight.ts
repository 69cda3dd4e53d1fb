/**
 * The read-only insight toolset (metrics, guest IPs, HA, pools, firewall,
 * backup jobs) and the diagnostics toolset, as lists for the tool index.
 *
 * @example
 * ```ts
 * import { DIAGNOSTIC_TOOLS, INSIGHT_TOOLS } from "./insight.ts";
 * console.log(INSIGHT_TOOLS.length, DIAGNOSTIC_TOOLS.length); // 6 4
 * ```
 *
 * @module
 */

import type { AnyTool } from "../../core/tool.ts";
import { getMetrics } from "./metrics.ts";
import { getGuestIps } from "./insight_guest.ts";
import { getBackupJobs, getHaStatus, getPools } from "./insight_cluster.ts";
import { getFirewall } from "./firewall.ts";
import {
  analyzeClusterHealthTool,
  analyzeSecurityTool,
  diagnoseVmIssuesTool,
  suggestOptimizationTool,
} from "../diagnostics/diagnostics.ts";

/** Toolset "insight": read-only views admins ask for directly. */
export const INSIGHT_TOOLS: readonly AnyTool[] = [
  getMetrics,
  getGuestIps,
  getHaStatus,
  getPools,
  getFirewall,
  getBackupJobs,
];

/** Toolset "diagnostics": the four analyses (seed names). */
export const DIAGNOSTIC_TOOLS: readonly AnyTool[] = [
  analyzeClusterHealthTool,
  diagnoseVmIssuesTool,
  suggestOptimizationTool,
  analyzeSecurityTool,
];
