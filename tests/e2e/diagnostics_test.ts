// Structured results are read field by field here; typing each nested shape adds nothing.
// deno-lint-ignore-file no-explicit-any
/**
 * The four diagnostics end to end (real server over stdio, SDK client,
 * simulator): each scenario cluster trips exactly its findings, with exact
 * severities and evidence numbers taken from the simulator's live model.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { call, textOf } from "../support/harness.ts";
import { ids, one, withServer } from "./diag_support.ts";
import { SCENARIOS } from "../../src/simulator/scenarios.ts";
import { GiB } from "../../src/simulator/builders.ts";

/** Finding ids each scenario must trip, per diagnostic (cluster health is in the scenario). */
const EXPECT: Record<
  string,
  { vm100?: string[]; vm101?: string[]; opt?: string[]; sec?: string[] }
> = {
  ha_error: { vm100: ["ha.service.error"] },
  locked_guest: { vm101: ["guest.locked"] },
  failed_tasks: { vm101: ["tasks.failed"] },
  no_backup: { vm100: ["guest.backup.stale"], vm101: ["guest.backup.no_job"] },
  agent_disabled: { vm100: ["guest.agent.not_responding"], vm101: ["guest.agent.disabled"] },
  storage_full: { opt: ["storage.nearly_full", "storage.nearly_full"] },
  firewall_off: {
    sec: ["firewall.cluster.disabled", "firewall.guest.disabled", "firewall.node.disabled"],
  },
};

Deno.test("each scenario trips exactly its findings in all four diagnostics", async (t) => {
  for (const [name, sc] of Object.entries(SCENARIOS)) {
    await t.step(name, async () => {
      await withServer(sc.build(), async (srv) => {
        const e = EXPECT[name] ?? {};
        const health = await call(srv, "analyze_cluster_health");
        assertEquals(ids(health), [...sc.health].sort(), `${name}: cluster health`);
        if (name === "node_offline" || name === "quorum_lost") return; // guests may be unreachable
        const vm100 = await call(srv, "diagnose_vm_issues", { node: "pve1", vmid: 100 });
        assertEquals(ids(vm100), e.vm100 ?? [], `${name}: VM 100`);
        const vm101 = await call(srv, "diagnose_vm_issues", { node: "pve1", vmid: 101 });
        assertEquals(ids(vm101), e.vm101 ?? [], `${name}: VM 101`);
        const opt = await call(srv, "suggest_resource_optimization");
        assertEquals(ids(opt), e.opt ?? [], `${name}: optimisation`);
        const sec = await call(srv, "analyze_security_posture");
        assertEquals(ids(sec), e.sec ?? [], `${name}: security`);
        // The audit token may not list updates: said, not silently skipped.
        assertEquals(
          (sec.structuredContent as any).not_checked.map((n: any) => [n.check, n.privilege]),
          [["node.updates", "Sys.Modify"]],
        );
      });
    });
  }
});

Deno.test("evidence carries the exact numbers, thresholds and sources", async (t) => {
  await t.step("node memory pressure: warning at 90 %, critical at 97 %", async () => {
    const sc = SCENARIOS.memory_pressure.build();
    await withServer(sc, async (srv, sim) => {
      const r = await call(srv, "analyze_cluster_health");
      const out = r.structuredContent as any;
      assertEquals(out.counts, { critical: 1, warning: 1, info: 0 });
      assertEquals(out.findings[0].resource, { type: "node", id: "pve3" }, "critical first");
      const p2 = one(r, "node.memory.pressure", "pve2");
      assertEquals(p2.severity, "warning");
      assertEquals(p2.evidence.values, {
        mem_used_bytes: sim.state.nodes.get("pve2")!.mem,
        mem_total_bytes: sim.state.nodes.get("pve2")!.maxmem,
        mem_used_pct: 90,
      });
      assertEquals(p2.evidence.thresholds, {
        node_memory_warning_pct: 85,
        node_memory_critical_pct: 95,
      });
      assertEquals(p2.evidence.source, "GET /cluster/resources");
      assertEquals(one(r, "node.memory.pressure", "pve3").severity, "critical");
      assertEquals(one(r, "node.memory.pressure", "pve3").evidence.values.mem_used_pct, 97);
      assertStringIncludes(textOf(r), "[CRITICAL] Node pve3 memory at 97%");
    });
  });

  await t.step("thresholds come from the config and are echoed", async () => {
    const sc = SCENARIOS.memory_pressure.build();
    await withServer(sc, async (srv) => {
      const r = await call(srv, "analyze_cluster_health");
      assertEquals(ids(r), ["node.memory.pressure"], "pve2 at 90 % is below the 92 % threshold");
      assertEquals(one(r, "node.memory.pressure").evidence.thresholds.node_memory_warning_pct, 92);
    }, { diagnostics: { node_memory_warning_pct: 92 } });
  });

  await t.step("storage: usage per node and shared, growth trend and days to full", async () => {
    const sc = SCENARIOS.storage_full.build();
    await withServer(sc, async (srv, sim) => {
      const r = await call(srv, "analyze_cluster_health");
      const lvm = one(r, "storage.usage.high", "pve1/local-lvm");
      assertEquals(lvm.severity, "critical");
      assertEquals(lvm.evidence.values.used_pct, 96);
      assertEquals(
        lvm.evidence.values.used_bytes,
        sim.state.storages.get("local-lvm")!.usage.pve1.used,
      );
      const nas = one(r, "storage.usage.high", "nas-backup");
      assertEquals([nas.severity, nas.evidence.values.used_pct, nas.evidence.values.shared], [
        "warning",
        88,
        true,
      ]);
      const opt = await call(srv, "suggest_resource_optimization", { timeframe: "week" });
      const trend = one(opt, "storage.nearly_full", "nas-backup");
      const u = sim.state.storages.get("nas-backup")!.usage.pve1;
      assertEquals(trend.evidence.values.growth_bytes_per_day, 50 * GiB);
      assertEquals(trend.evidence.values.days_to_full, Math.floor((u.total - u.used) / (50 * GiB)));
      assertEquals(trend.evidence.values.timeframe, "week");
      assertEquals(
        one(opt, "storage.nearly_full", "pve1/local-lvm").evidence.values.growth_bytes_per_day,
        0,
      );
    });
  });

  await t.step("offline node: one finding naming its guests; no request to it", async () => {
    const sc = SCENARIOS.node_offline.build();
    await withServer(sc, async (srv, sim) => {
      const before = sim.requests.length;
      const r = await call(srv, "analyze_cluster_health");
      const f = one(r, "node.offline", "pve3");
      assertEquals(f.severity, "critical");
      assertEquals(f.evidence.values.guests_on_node, sim.state.guestsOn("pve3").length);
      const paths = sim.requests.slice(before).map((q) => q.path);
      assert(!paths.includes("/nodes/pve3/status"), "offline node not asked");
      assertEquals((r.structuredContent as any).api_requests, 4 + 2);
      assertEquals(paths.length, 6);
    });
  });

  await t.step("locks: stale vs explained by a running task", async () => {
    await withServer(SCENARIOS.locked_guest.build(), async (srv, sim) => {
      const r = await call(srv, "analyze_cluster_health");
      const stale = one(r, "guest.locked.stale");
      assertEquals([stale.severity, stale.resource, stale.evidence.values.lock], [
        "warning",
        { type: "vm", id: "101" },
        "backup",
      ]);
      assertStringIncludes(stale.recommendation, "qm unlock 101");
      const busy = one(r, "guest.locked.busy");
      const task = sim.state.tasks.list().find((x) => x.id === "200")!;
      assertEquals([busy.severity, busy.evidence.values.running_task], ["info", task.upid]);
    });
  });

  await t.step("failed tasks: only those in the window, grouped", async () => {
    await withServer(SCENARIOS.failed_tasks.build(), async (srv) => {
      const f = one(await call(srv, "analyze_cluster_health"), "tasks.failed");
      assertEquals(f.resource, { type: "vm", id: "101" });
      assertEquals(f.evidence.values.failed_count, 2);
      assertEquals(f.evidence.values.last_error, "storage 'nas-backup' is not online");
      assertEquals(f.evidence.thresholds, { task_window_hours: 24 });
    });
  });

  await t.step("HA error, backups, agent: exact values", async () => {
    await withServer(SCENARIOS.ha_error.build(), async (srv) => {
      const f = one(await call(srv, "analyze_cluster_health"), "ha.service.error");
      assertEquals([f.severity, f.evidence.values.sid, f.evidence.values.state], [
        "critical",
        "vm:100",
        "error",
      ]);
      assertEquals(f.evidence.source, "GET /cluster/ha/status/current");
    });
    await withServer(SCENARIOS.no_backup.build(), async (srv) => {
      const stale = one(
        await call(srv, "diagnose_vm_issues", { node: "pve1", vmid: 100 }),
        "guest.backup.stale",
      );
      assertEquals(stale.evidence.values.last_backup_age_days, 10);
      assertEquals(stale.evidence.values.storages_checked, ["local", "nas-backup"]);
      assertEquals(stale.evidence.thresholds, { backup_max_age_days: 7 });
      const none = one(
        await call(srv, "diagnose_vm_issues", { node: "pve1", vmid: 101 }),
        "guest.backup.no_job",
      );
      assertEquals(none.evidence.values.jobs_covering, []);
      const jobs = await call(srv, "get_backup_jobs");
      assertEquals((jobs.structuredContent as any).not_backed_up.map((g: any) => g.vmid), [101]);
    });
    await withServer(SCENARIOS.agent_disabled.build(), async (srv) => {
      const f = one(
        await call(srv, "diagnose_vm_issues", { node: "pve1", vmid: 100 }),
        "guest.agent.not_responding",
      );
      assertEquals(f.evidence.values.error, "QEMU guest agent is not running");
      const d = one(
        await call(srv, "diagnose_vm_issues", { node: "pve1", vmid: 101 }),
        "guest.agent.disabled",
      );
      assertStringIncludes(d.recommendation, "qm set 101 --agent enabled=1");
    });
  });

  await t.step("firewall off: cluster, node and guest named", async () => {
    await withServer(SCENARIOS.firewall_off.build(), async (srv) => {
      const r = await call(srv, "analyze_security_posture");
      assertEquals(one(r, "firewall.node.disabled").resource, { type: "node", id: "pve2" });
      const g = one(r, "firewall.guest.disabled");
      assertEquals([g.evidence.values.guests_checked, g.evidence.values.guests], [5, ["vm:101"]]);
    });
  });
});
