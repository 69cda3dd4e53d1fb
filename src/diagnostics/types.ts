/**
 * The shape every diagnostic returns: findings with evidence an admin can
 * check, plus the checks that could not run (and why). Pure data, no I/O.
 *
 * @example
 * ```ts
 * import { finding, sortFindings } from "./types.ts";
 * const f = finding({
 *   id: "node.offline", severity: "critical", resource: { type: "node", id: "pve3" },
 *   summary: "Node pve3 is offline", source: "GET /cluster/status",
 *   values: { online: false }, recommendation: "Check power and network of pve3",
 * });
 * console.log(sortFindings([f])[0].evidence.source); // "GET /cluster/status"
 * ```
 *
 * @module
 */

import { z } from "zod/v4";

/** How urgent a finding is. */
export const SEVERITIES = ["critical", "warning", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What a finding is about. */
export const ResourceRef = z.object({
  type: z.enum(["node", "vm", "ct", "storage", "cluster", "token", "config", "pool"]),
  id: z.string(),
});
export type ResourceRef = z.infer<typeof ResourceRef>;

const Value = z.union([z.number(), z.string(), z.boolean(), z.null(), z.array(z.string())]);

/** One finding, as structured output. */
export const Finding = z.object({
  id: z.string().describe("Stable check id, e.g. node.memory.pressure"),
  severity: z.enum(SEVERITIES),
  resource: ResourceRef,
  summary: z.string(),
  evidence: z.object({
    source: z.string().describe("API request(s) the values came from"),
    values: z.record(z.string(), Value).describe("Measured values; units in the key names"),
    thresholds: z.record(z.string(), z.number()).describe(
      "Thresholds applied (config diagnostics.*)",
    ),
  }),
  recommendation: z.string().describe("Concrete next step: command or GUI path"),
});
export type Finding = z.infer<typeof Finding>;

/** A check that could not run: the data was not readable. */
export const NotChecked = z.object({
  check: z.string().describe("Check id, e.g. cluster.ha"),
  reason: z.string().describe('e.g. "not checked: missing privilege Sys.Audit on /"'),
  privilege: z.string().nullable(),
  path: z.string().nullable(),
});
export type NotChecked = z.infer<typeof NotChecked>;

/** Output fields shared by the four diagnostics. */
export const reportOutput = {
  findings: z.array(Finding).describe("Ordered critical, warning, info"),
  not_checked: z.array(NotChecked).describe("Checks that could not run, and why"),
  counts: z.object({
    critical: z.number().int(),
    warning: z.number().int(),
    info: z.number().int(),
  }),
  checks: z.array(z.string()).describe("Check ids that ran"),
  api_requests: z.number().int().describe("PVE API requests this analysis made"),
  omitted: z.number().int().describe(
    "Findings left out after the first max_findings (lowest severity first); counts include them",
  ),
};

/** Arguments of {@link finding}. */
export interface FindingInit {
  id: string;
  severity: Severity;
  resource: ResourceRef;
  summary: string;
  source: string;
  values: Finding["evidence"]["values"];
  thresholds?: Record<string, number>;
  recommendation: string;
}

/** Builds a finding with its evidence block. */
export function finding(f: FindingInit): Finding {
  return {
    id: f.id,
    severity: f.severity,
    resource: f.resource,
    summary: f.summary,
    evidence: { source: f.source, values: f.values, thresholds: f.thresholds ?? {} },
    recommendation: f.recommendation,
  };
}

const RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** Most urgent first; ties by check id then resource, so output is stable. */
export function sortFindings(list: Finding[]): Finding[] {
  return [...list].sort((a, b) =>
    RANK[a.severity] - RANK[b.severity] || a.id.localeCompare(b.id) ||
    a.resource.id.localeCompare(b.resource.id, "en", { numeric: true })
  );
}

/** Counts per severity. */
export function countFindings(list: Finding[]): Record<Severity, number> {
  const c = { critical: 0, warning: 0, info: 0 };
  for (const f of list) c[f.severity]++;
  return c;
}

/** A fraction as a percentage with one decimal, for evidence values. */
export function pct(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0;
}

/** Severity of a percentage against warning/critical thresholds, or undefined below both. */
export function level(valuePct: number, warnPct: number, critPct: number): Severity | undefined {
  if (valuePct >= critPct) return "critical";
  if (valuePct >= warnPct) return "warning";
  return undefined;
}
