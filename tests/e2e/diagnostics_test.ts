// Structured results are read field by field here; typing each nested shape adds nothing.
// deno-lint-ignore-file no-explicit-any
/**
 * The four diagnostics end to end (real server over stdio, SDK client,
 * simulator): each scenario cluster trips exactly its findings, with exact
 * severities and evidence numbers taken from the simulator's live model.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { call, type ServerUnderTest, startServer, textOf } from "../support/harness.ts";
import {
  type SimToken,
  type Simulator,
  startSimulator,
  tokenWithRole,
} from "../support/simulator/mod.ts";
import { AUDIT_TOKEN, healthyCluster, SCENARIOS } from "../support/simulator/scenarios.ts";
import { insightOf } from "../support/simulator/insight_model.ts";
import { GiB } from "../support/simulator/builders.ts";
import { assertRequestsValid } from "../support/schema_check.ts";

const ids = (r: any) => (r.structuredContent.findings as any[]).map((f) => f.id).sort();
const one = (r: any, id: string, res?: string) =>
  (r.structuredContent.findings as any[]).find((f) =>
    f.id === id && (!res || f.resource.id === res)
  );

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

async function withServer(
  scenario: { state: Simulator["state"]; token: SimToken },
  fn: (srv: ServerUnderTest, sim: Simulator) => Promise<void>,
  config: Record<string, unknown> | ((sim: Simulator) => Record<string, unknown>) = {},
) {
  const sim = await startSimulator({ cluster: scenario.state, tokens: [scenario.token] });
  let srv: ServerUnderTest | undefined;
  try {
    srv = await startServer({
      sim,
      token: scenario.token,
      config: typeof config === "function" ? config(sim) : config,
    });
    await fn(srv, sim);
    assertRequestsValid(sim.requests);
  } finally {
    await srv?.close();
    await sim.close();
  }
}

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

Deno.test("missing privileges are reported as not checked, never skipped silently", async () => {
  // VM-only token: no Sys.Audit anywhere, so quorum, HA, nodes and storage cannot be read.
  const token = tokenWithRole("PVEVMUser", { tokenid: "vmuser", path: "/vms" });
  await withServer({ state: healthyCluster(), token }, async (srv) => {
    const r = await call(srv, "analyze_cluster_health");
    assert(!r.isError, textOf(r));
    const nc = (r.structuredContent as any).not_checked.map((
      n: any,
    ) => [n.check, n.privilege, n.path]);
    assertEquals(nc, [
      ["cluster.quorum", "Sys.Audit", "/"],
      ["ha.error", "Sys.Audit", "/"],
      ["node.pressure", "Sys.Audit", "/nodes"],
      ["storage.usage", "Datastore.Audit", "/storage"],
    ]);
    assertStringIncludes(textOf(r), "not checked: missing privilege Sys.Audit on /");
  });
});

Deno.test("security: token privileges, privsep, root@pam, TLS off, updates, console", async (t) => {
  await t.step("Administrator token: escalation, node control, updates listed", async () => {
    const state = healthyCluster();
    insightOf(state).apt.pve1 = [
      { Package: "pve-manager", OldVersion: "9.1.2", Version: "9.1.3", Origin: "Proxmox" },
      {
        Package: "openssl",
        OldVersion: "3.5.1-1",
        Version: "3.5.1-1+deb13u1",
        Origin: "Debian",
        Section: "security",
      },
    ];
    const token = tokenWithRole("Administrator", { tokenid: "admin" });
    await withServer({ state, token }, async (srv) => {
      const r = await call(srv, "analyze_security_posture");
      assertEquals(ids(r), [
        "node.updates.pending",
        "token.privileges.escalation",
        "token.privileges.node_control",
        // An Administrator token of an Administrator user: as wide as its user.
        "token.privsep.off",
      ]);
      const esc = one(r, "token.privileges.escalation");
      assertEquals(esc.severity, "critical");
      assert(esc.evidence.values.privileges.includes("Permissions.Modify on /"));
      const upd = one(r, "node.updates.pending");
      assertEquals([
        upd.severity,
        upd.evidence.values.updates,
        upd.evidence.values.security_updates,
      ], [
        "warning",
        2,
        1,
      ]);
      assertEquals((r.structuredContent as any).not_checked, []);
    });
  });

  await t.step("root@pam without privsep, TLS verification off, loose console", async () => {
    const token: SimToken = {
      ...tokenWithRole("Administrator", { user: "root@pam", tokenid: "mcp" }),
      privsep: false,
    };
    await withServer({ state: healthyCluster(), token }, async (srv) => {
      const r = await call(srv, "analyze_security_posture");
      const got = ids(r);
      for (const id of ["token.root", "config.tls.verify_off", "config.console.loose"]) {
        assert(got.includes(id), `${id} in ${got}`);
      }
      assert(!got.includes("token.privsep.off"), "root is reported as root, not as privsep");
      assertEquals(one(r, "config.console.loose").evidence.values.issues, [
        "allow_shell is true (any shell command)",
      ]);
    }, (sim) => ({
      proxmox: { host: sim.hostname, port: sim.port, verify_ssl: false },
      console: { enabled: true, allow_shell: true },
    }));
  });

  await t.step("a token without privilege separation", async () => {
    const token: SimToken = { ...AUDIT_TOKEN, tokenid: "nosep", privsep: false };
    await withServer({ state: healthyCluster(), token }, async (srv) => {
      const f = one(await call(srv, "analyze_security_posture"), "token.privsep.off");
      assertEquals(f.severity, "warning");
      assertEquals(
        f.evidence.source,
        "GET /access/permissions, GET /access/permissions?userid=mcp@pve",
      );
    });
  });
});
