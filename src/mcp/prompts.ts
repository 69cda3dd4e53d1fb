/**
 * MCP prompts for the common workflows (each chains the right tools in the
 * right order) and the cluster summary as an MCP resource.
 *
 * @example
 * ```ts ignore
 * import { registerPrompts, registerResources } from "./prompts.ts";
 * registerPrompts(server);
 * registerResources(server, ctx);
 * ```
 *
 * @module
 */

import { z } from "zod/v4";
import type { McpServer } from "./sdk.ts";
import type { ToolContext } from "../core/context.ts";

/** URI of the cluster summary resource. */
export const CLUSTER_SUMMARY_URI = "proxmox://cluster/summary";

const vmidArg = z.string().regex(/^[1-9]\d{2,8}$/, { message: "must be a VMID such as 100" })
  .describe("VMID of the guest, e.g. 100");
const nodeArg = z.string().regex(/^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/, {
  message: "must be a node name as get_nodes lists it",
});

// Built once: an HTTP server in stateless mode builds its MCP instance per request.
const MAINTENANCE_ARGS = z.object({ vmid: vmidArg, node: nodeArg.optional() });
const INVESTIGATE_ARGS = z.object({ vmid: vmidArg, node: nodeArg });

const user = (text: string) => ({
  messages: [{ role: "user" as const, content: { type: "text" as const, text } }],
});

const RULES = "Cite each finding's evidence (values, thresholds, API source). Do not run any " +
  "action that changes state until I have confirmed it.";

/** The prompt texts, exported for tests. */
export const PROMPTS = {
  triage: () =>
    "Triage my Proxmox VE cluster.\n" +
    "1. Call analyze_cluster_health.\n" +
    "2. For every finding about a VM or container, call diagnose_vm_issues with its vmid.\n" +
    "3. If a finding mentions HA, call get_ha_status; if it mentions storage, call get_storage.\n" +
    "4. Report critical first, then warnings, then info: what is wrong, the evidence, and the " +
    "exact command or GUI path to fix it. List anything reported as not checked and the privilege " +
    `it needs. ${RULES}`,
  maintenance: (vmid: string, node?: string) =>
    `Prepare guest ${vmid} for maintenance${node ? ` (on node ${node})` : ""}.\n` +
    `1. Call diagnose_vm_issues for it: note locks, failed tasks, HA state and backup age.\n` +
    `2. Call get_backup_jobs and check that a recent backup exists; if not, propose one.\n` +
    `3. Call get_guest_ips so we know how to reach it, and get_metrics (timeframe day) to pick a ` +
    `quiet moment.\n` +
    `4. Propose the plan: snapshot or backup first, HA state to set ('ha-manager set ... --state ` +
    `stopped' for HA guests), clean shutdown, and the checks after. ${RULES}`,
  investigate: (vmid: string, node: string) =>
    `Investigate guest ${vmid} on node ${node}.\n` +
    `1. Call diagnose_vm_issues (node ${node}, vmid ${vmid}).\n` +
    `2. Call get_metrics for the guest (timeframe day, then week if needed) and for node ${node}, ` +
    `to tell a guest problem from a host problem.\n` +
    `3. Call get_guest_ips and get_firewall (scope guest) if it is a network problem.\n` +
    `4. Explain the most likely cause with evidence and the next step. ${RULES}`,
  security: () =>
    "Review the security of my Proxmox VE cluster.\n" +
    "1. Call analyze_security_posture.\n" +
    "2. Call get_firewall for the cluster, and for any node or guest it flags.\n" +
    `3. Rank the risks and give the exact commands to fix each. ${RULES}`,
};

/** Registers the workflow prompts. */
export function registerPrompts(server: McpServer): void {
  server.registerPrompt("triage-cluster", {
    title: "Triage my cluster",
    description: "Health check of the whole cluster, then a diagnosis of every affected guest.",
  }, () => user(PROMPTS.triage()));
  server.registerPrompt("prepare-maintenance", {
    title: "Prepare a guest for maintenance",
    description: "Checks locks, backups, HA and load of one guest and proposes a safe plan.",
    argsSchema: MAINTENANCE_ARGS,
  }, ({ vmid, node }) => user(PROMPTS.maintenance(vmid, node)));
  server.registerPrompt("investigate-vm", {
    title: "Investigate a guest",
    description: "Diagnosis, metrics of guest and host, addresses and firewall of one guest.",
    argsSchema: INVESTIGATE_ARGS,
  }, ({ vmid, node }) => user(PROMPTS.investigate(vmid, node)));
  server.registerPrompt("security-review", {
    title: "Security review",
    description: "Token privileges, firewall, updates and this server's own settings.",
  }, () => user(PROMPTS.security()));
}

/** Registers `proxmox://cluster/summary`: the get_cluster_status result, read on demand. */
export function registerResources(server: McpServer, ctx: ToolContext): void {
  server.registerResource("cluster-summary", CLUSTER_SUMMARY_URI, {
    title: "Cluster summary",
    description: "Quorum, nodes, guest counts and resource use of the cluster (live, as " +
      "get_cluster_status with guests: true returns it).",
    mimeType: "application/json",
  }, async (uri: URL) => {
    try {
      // A resource is read on purpose, not every turn: the counts are worth their read.
      const { getClusterStatus } = await import("../tools/core/cluster.ts");
      const out = await getClusterStatus.run({ guests: true }, ctx);
      return {
        contents: [{
          uri: uri.href,
          mimeType: "application/json",
          text: ctx.redactor.redact(
            JSON.stringify({ summary: out.text, ...out.structured }, null, 2),
          ),
        }],
      };
    } catch (e) {
      // Resource reads have no isError result: the client gets a JSON-RPC error with the cause.
      const { errorText } = await import("../tools/invoke.ts");
      throw new Error(`cannot read the cluster summary: ${errorText(e, ctx)}`);
    }
  });
}
