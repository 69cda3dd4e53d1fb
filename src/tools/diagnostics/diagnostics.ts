/**
 * The four diagnostic tools (names kept from the seed project). Each reads
 * the API through a counting {@link Probe}, hands the data to a pure analysis
 * in `src/diagnostics/`, and returns findings with evidence and a concrete
 * next step. Nothing is guessed: a check whose data is not readable is listed
 * under `not_checked` with the privilege that is missing.
 *
 * @module
 */

import { z } from "zod/v4";
import { defineTool, READ_ONLY } from "../../core/tool.ts";
import { nodeName, rrdTimeframe, vmid } from "../schemas.ts";
import { Probe } from "../../diagnostics/fetch.ts";
import { gatherClusterHealth, gatherGuest, gatherOptimization } from "../../diagnostics/collect.ts";
import { gatherSecurity } from "../../diagnostics/collect_security.ts";
import { analyzeClusterHealth } from "../../diagnostics/cluster_health.ts";
import { diagnoseGuest } from "../../diagnostics/vm_issues.ts";
import { analyzeOptimization } from "../../diagnostics/optimization.ts";
import { analyzeSecurity } from "../../diagnostics/security.ts";
import { thresholdsOf } from "../../diagnostics/thresholds.ts";
import {
  countFindings,
  type Finding,
  type NotChecked,
  reportOutput,
  sortFindings,
} from "../../diagnostics/types.ts";
import { formatReport } from "../../format/diagnostics.ts";

/** One entry per check and missing privilege, so 100 refused guest reads read as one line. */
function dedupe(list: NotChecked[]): NotChecked[] {
  const seen = new Map<string, NotChecked & { n: number }>();
  for (const n of list) {
    const key = `${n.check}|${n.privilege ?? n.reason}`;
    const s = seen.get(key);
    if (s) s.n++;
    else seen.set(key, { ...n, n: 1 });
  }
  return [...seen.values()].map(({ n, ...rest }) =>
    n > 1 ? { ...rest, reason: `${rest.reason} (and ${n - 1} similar)` } : rest
  );
}

/**
 * On a big cluster one analysis can find hundreds of things: the model gets the most severe
 * first, every count, and how many were left out.
 */
const MAX_FINDINGS = 60;

function report(probe: Probe, r: { findings: Finding[]; checks: string[] }) {
  const all = sortFindings(r.findings);
  return {
    findings: all.slice(0, MAX_FINDINGS),
    not_checked: dedupe(probe.notChecked),
    counts: countFindings(all),
    checks: r.checks,
    api_requests: probe.requests,
    omitted: Math.max(0, all.length - MAX_FINDINGS),
  };
}

/** `analyze_cluster_health`. */
export const analyzeClusterHealthTool = defineTool({
  name: "analyze_cluster_health",
  // Useful to every token: what it may not read is reported as "not checked".
  privileges: [],
  title: "Analyze cluster health",
  description: "Health check: quorum, offline nodes, node CPU/memory/swap/disk pressure, " +
    "storage, failed tasks, HA errors, stale locks. Findings carry evidence and a " +
    "fix.",
  toolset: "diagnostics",
  annotations: READ_ONLY,
  input: {},
  output: reportOutput,
  async run(_args, ctx) {
    const probe = new Probe(ctx.pve);
    const data = await gatherClusterHealth(probe);
    const out = report(probe, analyzeClusterHealth(data, thresholdsOf(ctx.config)));
    return { structured: out, text: formatReport("Cluster health", out) };
  },
});

/** `diagnose_vm_issues`. */
export const diagnoseVmIssuesTool = defineTool({
  name: "diagnose_vm_issues",
  privileges: ["VM.Audit"],
  title: "Diagnose a VM or container",
  description: "Diagnose a VM or container: state, lock, HA, guest agent, memory/disk " +
    "pressure, failed tasks, backups, old snapshots. Findings carry evidence and " +
    "the fix.",
  toolset: "diagnostics",
  annotations: READ_ONLY,
  input: { node: nodeName.optional(), vmid },
  output: {
    ...reportOutput,
    guest: z.object({
      vmid: z.number().int(),
      node: z.string(),
      type: z.string(),
      name: z.string().nullable(),
      status: z.string(),
    }),
  },
  async run({ node: given, vmid }, ctx) {
    const probe = new Probe(ctx.pve);
    const data = await gatherGuest(probe, given, vmid);
    const node = String(data.guest.node);
    const out = {
      ...report(probe, diagnoseGuest(data, thresholdsOf(ctx.config))),
      guest: {
        vmid,
        node,
        type: String(data.guest.type),
        name: typeof data.guest.name === "string" ? data.guest.name : null,
        status: String(data.guest.status ?? "unknown"),
      },
    };
    const label = `${data.guest.type === "lxc" ? "CT" : "VM"} ${vmid} on ${node}`;
    return { structured: out, text: formatReport(label, out) };
  },
});

/** `suggest_resource_optimization`. */
export const suggestOptimizationTool = defineTool({
  name: "suggest_resource_optimization",
  privileges: ["VM.Audit", "Sys.Audit"],
  title: "Suggest resource optimisation",
  description: "From RRD history (timeframe default week): idle or oversized guests, node " +
    "overcommit, storage filling up (days to full), stopped guests holding big " +
    "disks.",
  toolset: "diagnostics",
  annotations: READ_ONLY,
  input: {
    timeframe: rrdTimeframe.default("week"),
    node: nodeName.optional(),
  },
  output: {
    ...reportOutput,
    timeframe: z.string(),
    guests_analysed: z.number().int(),
    guests_running: z.number().int().describe("Running guests that could be analysed"),
  },
  async run({ timeframe, node }, ctx) {
    const t = thresholdsOf(ctx.config);
    const probe = new Probe(ctx.pve);
    const data = await gatherOptimization(probe, t, { timeframe, node });
    const out = {
      ...report(probe, analyzeOptimization(data, t)),
      timeframe,
      guests_analysed: data.analysed,
      guests_running: data.candidates,
    };
    return {
      structured: out,
      text: formatReport(
        `Optimisation over the last ${timeframe} (${data.analysed} of ${data.candidates} running guests)`,
        out,
      ),
    };
  },
});

/** `analyze_security_posture`. */
export const analyzeSecurityTool = defineTool({
  name: "analyze_security_posture",
  privileges: [],
  title: "Analyze security posture",
  description: "Security review: this server's token and privileges, firewalls off, pending " +
    "updates, TLS verification, console policy.",
  toolset: "diagnostics",
  annotations: READ_ONLY,
  input: {},
  output: reportOutput,
  async run(_args, ctx) {
    const t = thresholdsOf(ctx.config);
    const probe = new Probe(ctx.pve);
    const data = await gatherSecurity(probe, ctx, ctx.pve.tokenId, t);
    const out = report(probe, analyzeSecurity(data, t));
    return { structured: out, text: formatReport("Security posture", out) };
  },
});
