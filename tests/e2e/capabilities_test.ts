// Structured results are read field by field here; typing each nested shape adds nothing.
// deno-lint-ignore-file no-explicit-any
/**
 * Every capability of the first release is still reachable. Its 55 tools were merged into fewer
 * (issue 17): each old name is either still listed, or an alias (src/tools/aliases.ts) of a
 * listed tool, and a call by that name — dry run for what changes something, plain for reads —
 * through the real server reaches the tool and the PVE endpoint it always did. Also: every
 * guest_power action on each guest kind PVE supports it for.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { call, type ServerUnderTest, startServer, textOf } from "../support/harness.ts";
import { demoCluster, type Simulator, startSimulator } from "../../src/simulator/mod.ts";
import { TOOL_ALIASES } from "../../src/tools/aliases.ts";
import { insightOf } from "../../src/simulator/insight_model.ts";
import { backupVolid } from "../../src/simulator/provision_model.ts";
import { conforms, type JsonSchema } from "../support/json_schema.ts";
import { mutations, requestsDuring } from "./action_support.ts";
import type { Tool } from "../support/sdk_client.ts";

/**
 * The first release's tools, in its listing order: `ALL_TOOLS` of src/tools/index.ts at commit
 * 07d3b87 and the tool files it imports (`git show 07d3b87:src/tools/index.ts`). Frozen here on
 * purpose: a name dropped from today's server must fail this test, not vanish from a list.
 */
const FIRST_RELEASE = [
  "get_nodes",
  "get_node_status",
  "get_vms",
  "get_containers",
  "get_storage",
  "get_cluster_status",
  "get_guest",
  "start_vm",
  "stop_vm",
  "shutdown_vm",
  "reboot_vm",
  "reset_vm",
  "suspend_vm",
  "resume_vm",
  "start_container",
  "stop_container",
  "shutdown_container",
  "reboot_container",
  "suspend_container",
  "resume_container",
  "list_snapshots",
  "create_snapshot",
  "rollback_snapshot",
  "delete_snapshot",
  "get_task_status",
  "get_task_log",
  "list_tasks",
  "execute_vm_command",
  "get_metrics",
  "get_guest_ips",
  "get_ha_status",
  "get_pools",
  "get_firewall",
  "get_backup_jobs",
  "analyze_cluster_health",
  "diagnose_vm_issues",
  "suggest_resource_optimization",
  "analyze_security_posture",
  "next_vmid",
  "list_templates",
  "list_storage_content",
  "create_vm",
  "create_container",
  "clone_guest",
  "convert_to_template",
  "set_cloudinit",
  "reconfigure_guest",
  "resize_disk",
  "move_disk",
  "migrate_guest",
  "delete_guest",
  "list_backups",
  "backup_guest",
  "restore_backup",
  "delete_backup",
];

/** Every toolset on, the console too: the configuration that offers everything. */
const EVERYTHING = {
  tools: { enabled_toolsets: ["provisioning", "backups"] },
  console: { enabled: true },
  logging: { level: "WARNING" },
};

/** A real target in the demo cluster for each old name (what its schema requires). */
function argsOf(sim: Simulator, upid: string): Record<string, Record<string, unknown>> {
  const backup = insightOf(sim.state).backups.find((b) => b.type === "qemu")!;
  const archive = backupVolid(sim.state, backup);
  // 100 runs on pve1 with snapshots; 104 is a paused VM, 105 a stopped one; 202 a running
  // container, 201 a stopped one; 9000 a template.
  return {
    get_node_status: { node: "pve1" },
    get_guest: { vmid: 100 },
    start_vm: { vmid: 105 },
    stop_vm: { vmid: 100 },
    shutdown_vm: { vmid: 100 },
    reboot_vm: { vmid: 100 },
    reset_vm: { vmid: 100 },
    suspend_vm: { vmid: 100 },
    resume_vm: { vmid: 104 },
    start_container: { vmid: 201 },
    stop_container: { vmid: 202 },
    shutdown_container: { vmid: 202 },
    reboot_container: { vmid: 202 },
    suspend_container: { vmid: 202 },
    resume_container: { vmid: 202 },
    list_snapshots: { vmid: 100 },
    create_snapshot: { vmid: 100, snapname: "reach_check" },
    rollback_snapshot: { vmid: 100, snapname: "pre_upgrade" },
    delete_snapshot: { vmid: 100, snapname: "after_upgrade" },
    get_task_status: { upid },
    get_task_log: { upid, start: 1, limit: 1 },
    execute_vm_command: { vmid: 100, command: "uptime" },
    get_metrics: { node: "pve1" },
    get_guest_ips: { vmid: 100 },
    diagnose_vm_issues: { vmid: 100 },
    list_storage_content: { node: "pve1", content: "iso" },
    create_vm: { node: "pve1", name: "reach-vm", disks: [{ storage: "local-lvm", size: "8G" }] },
    create_container: {
      node: "pve1",
      hostname: "reach-ct",
      template: "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst",
      rootfs: { storage: "local-lvm" },
    },
    clone_guest: { vmid: 9000, name: "reach-clone" },
    convert_to_template: { vmid: 105 },
    set_cloudinit: { vmid: 100, user: "ops" },
    reconfigure_guest: { vmid: 101, memory: "4G" },
    resize_disk: { vmid: 101, disk: "scsi0", size: "+1G" },
    move_disk: { vmid: 105, disk: "scsi0", storage: "local-lvm" },
    migrate_guest: { vmid: 101, target_node: "pve2" },
    delete_guest: { vmid: 105 },
    list_backups: { vmid: 100 },
    backup_guest: { vmid: 100, storage: "nas-backup" },
    restore_backup: { archive, node: "pve1" },
    delete_backup: { volid: archive, node: "pve1" },
  };
}

/** The endpoint an old power or snapshot name always meant, for its target. */
function endpointOf(sim: Simulator, name: string, args: Record<string, any>): string {
  const g = sim.state.guests.get(args.vmid)!;
  const base = `/nodes/${g.node}/${g.type}/${g.vmid}`;
  if (name === "create_snapshot") return `POST ${base}/snapshot`;
  if (name === "rollback_snapshot") return `POST ${base}/snapshot/${args.snapname}/rollback`;
  if (name === "delete_snapshot") return `DELETE ${base}/snapshot/${args.snapname}`;
  return `POST ${base}/status/${name.split("_")[0]}`;
}

Deno.test("every tool of the first release is listed or an alias of a listed tool, and reachable", async (t) => {
  const sim = await startSimulator({ cluster: demoCluster() });
  let srv: ServerUnderTest | undefined;
  try {
    srv = await startServer({ sim, config: EVERYTHING });
    const s = srv;
    const listed = new Map<string, Tool>(
      (await s.client.listTools()).tools.map((x) => [x.name, x]),
    );
    const task = sim.state.tasks.list().find((x) => x.type === "vzdump" && x.log.length >= 2)!;
    const args = argsOf(sim, task.upid);

    await t.step("the list is the first release's, 55 names", () => {
      assertEquals(FIRST_RELEASE.length, 55);
      assertEquals(new Set(FIRST_RELEASE).size, 55);
    });

    await t.step("each name is listed, or an alias whose target is listed", () => {
      const unreachable = FIRST_RELEASE.filter((n) =>
        !listed.has(n) && !(n in TOOL_ALIASES && listed.has(TOOL_ALIASES[n].tool))
      );
      assertEquals(unreachable, []);
      // An alias is never listed itself: the model sees the merged tool only.
      const bothWays = Object.keys(TOOL_ALIASES).filter((n) => listed.has(n));
      assertEquals(bothWays, []);
      // Every alias stands for a first-release name: none invents a new one.
      assertEquals(Object.keys(TOOL_ALIASES).filter((n) => !FIRST_RELEASE.includes(n)), []);
    });

    for (const name of FIRST_RELEASE) {
      const alias = TOOL_ALIASES[name];
      const target = listed.get(alias?.tool ?? name);
      await t.step(`${name} reaches ${alias?.tool ?? "itself"}`, async () => {
        assert(target, `${name}: no listed tool serves it`);
        const mutating = target.annotations?.readOnlyHint !== true;
        const a = { ...args[name], ...(mutating ? { dry_run: true } : {}) };
        let r: any;
        const reqs = await requestsDuring(sim, async () => (r = await call(s, name, a)));
        assert(!r.isError, `${name}: ${textOf(r)}`);
        assertEquals(mutations(reqs), [], `${name}: a dry run or a read sends no change`);
        const out = r.structuredContent as Record<string, any>;
        // The answer is the serving tool's: its fields, nothing another tool would add.
        const declared = Object.keys(target.outputSchema?.properties ?? {});
        const extra = Object.keys(out).filter((k) => !declared.includes(k));
        assertEquals(extra, [], `${name}: fields ${target.name} does not declare`);
        assertEquals(conforms(target.outputSchema as JsonSchema, out), true, name);
        if (mutating && declared.includes("tool")) {
          assertEquals([out.tool, out.result], [target.name, "dry-run"], `${name}: the answer`);
        } else if (mutating) {
          // The console answers in its own shape: the command's plan, not an action result.
          assertEquals(out.dry_run, true, name);
          assertStringIncludes(out.plan.at(-1).path, "/agent/exec", name);
        }
        if (alias?.tool === "guest_power" || alias?.tool === "guest_snapshot") {
          assertEquals(
            out.plan.map((p: any) => `${p.method} ${p.path}`).at(-1),
            endpointOf(sim, name, a),
            `${name}: the endpoint it always had`,
          );
        }
      });
    }

    await t.step("get_containers: the containers, and only them, from one listing", async () => {
      let r: any;
      const reqs = await requestsDuring(sim, async () => (r = await call(s, "get_containers")));
      assertEquals(reqs.map((q) => `${q.method} ${q.path}`), ["GET /cluster/resources"]);
      const want = [...sim.state.guests.values()].filter((g) => g.type === "lxc")
        .map((g) => g.vmid).sort((x, y) => x - y);
      assertEquals(r.structuredContent.guests.map((g: any) => g.vmid), want);
      assert(r.structuredContent.guests.every((g: any) => g.type === "lxc"));
    });

    await t.step("get_task_log: start and limit become one page of the log", async () => {
      let r: any;
      const reqs = await requestsDuring(
        sim,
        async () => (r = await call(s, "get_task_log", args.get_task_log)),
      );
      const page = reqs.find((q) => q.path.endsWith("/log"))!;
      assertEquals([page.params.start, page.params.limit], ["1", "1"]);
      assertEquals(r.structuredContent.log, task.log.slice(1, 2));
      assertEquals(r.structuredContent.next_start, 2);
    });

    await t.step("an old name with an argument that says otherwise is refused", async () => {
      const r = await call(s, "stop_vm", { vmid: 100, action: "start", dry_run: true });
      assert(r.isError);
      assertStringIncludes(textOf(r), "stop_vm");
      assertStringIncludes(textOf(r), "guest_power");
      assertStringIncludes(textOf(r), "Nothing was done");
    });
  } finally {
    await srv?.close();
    await sim.close();
  }
});

Deno.test("guest_power: each action on a VM and on a container, to that kind's endpoint", async () => {
  const sim = await startSimulator({ cluster: demoCluster() });
  const srv = await startServer({ sim });
  try {
    // A guest of each kind in the state the action needs (start needs it stopped, resume paused).
    const vm = (action: string) => action === "start" ? 105 : action === "resume" ? 104 : 100;
    const ct = (action: string) => action === "start" ? 201 : 202;
    const actions = ["start", "shutdown", "reboot", "stop", "reset", "suspend", "resume"];
    for (const [kind, pick] of [["qemu", vm], ["lxc", ct]] as const) {
      for (const action of actions) {
        const g = sim.state.guests.get(pick(action))!;
        assertEquals(g.type, kind);
        let r: any;
        const reqs = await requestsDuring(
          sim,
          async () => (r = await call(srv, "guest_power", { action, vmid: g.vmid, dry_run: true })),
        );
        assert(!r.isError, `${action} ${kind}: ${textOf(r)}`);
        assertEquals(mutations(reqs), []);
        const out = r.structuredContent;
        assertEquals([out.tool, out.action, out.target.type], ["guest_power", action, kind]);
        if (kind === "lxc" && action === "reset") {
          // PVE has no such endpoint: refused before anything, in a dry run as in a real call.
          assertEquals(out.verdict, "would be refused");
          assertStringIncludes(out.message, "PVE has no reset for containers");
          assertEquals(out.plan, []);
          continue;
        }
        assertEquals(out.verdict, "would run", `${action} ${kind}: ${out.message}`);
        assertEquals(
          out.plan.map((p: any) => `${p.method} ${p.path}`),
          [`POST /nodes/${g.node}/${kind}/${g.vmid}/status/${action}`],
        );
      }
    }
    const posts = mutations(sim.requests).length;
    const real = await call(srv, "guest_power", { action: "reset", vmid: 202, confirm: true });
    assert(real.isError);
    assertStringIncludes(textOf(real), "PVE has no reset for containers");
    assertEquals(mutations(sim.requests).length, posts, "nothing was sent");
  } finally {
    await srv.close();
    await sim.close();
  }
});
