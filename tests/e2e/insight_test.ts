// Structured results are read field by field here; typing each nested shape adds nothing.
// deno-lint-ignore-file no-explicit-any
/**
 * The insight tools, prompts and the cluster summary resource end to end,
 * plus the request cost of each diagnostic on the 32-node benchmark cluster.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { call, type ServerUnderTest, startServer, textOf } from "../support/harness.ts";
import {
  buildCluster,
  DEMO_TOKEN,
  type Simulator,
  startSimulator,
} from "../../src/simulator/mod.ts";
import { AUDIT_TOKEN, healthyCluster } from "../../src/simulator/scenarios.ts";
import { guestIp } from "../../src/simulator/routes/insight_guests.ts";
import { insightOf } from "../../src/simulator/insight_model.ts";
import { assertRequestsValid } from "../support/schema_check.ts";

async function during(sim: Simulator, fn: () => Promise<unknown>) {
  const before = sim.requests.length;
  const r = await fn();
  return { r: r as any, reqs: sim.requests.slice(before) };
}

Deno.test("insight tools, prompts and resource over stdio", async (t) => {
  const state = healthyCluster();
  state.guests.get(102)!.status = "stopped";
  const sim = await startSimulator({ cluster: state, tokens: [AUDIT_TOKEN] });
  let srv: ServerUnderTest | undefined;
  try {
    srv = await startServer({ sim, token: AUDIT_TOKEN });
    const s = srv;

    await t.step("tools/list: insight and diagnostics tools, read-only annotations", async () => {
      const { tools } = await s.client.listTools();
      const mine = [
        "analyze_cluster_health",
        "analyze_security_posture",
        "diagnose_vm_issues",
        "get_backup_jobs",
        "get_firewall",
        "get_guest_ips",
        "get_ha_status",
        "get_metrics",
        "get_pools",
        "suggest_resource_optimization",
      ];
      for (const name of mine) {
        const tool = tools.find((x) => x.name === name);
        assert(tool, `${name} listed`);
        // The title is the entry's own; annotations carry the four hints and nothing else.
        assert((tool.title ?? "").length > 0, `${name} has a title`);
        assertEquals(tool.annotations, {
          readOnlyHint: true,
          destructiveHint: false,
          idempotentHint: true,
          openWorldHint: false,
        }, name);
        assert(tool.outputSchema?.type === "object", `${name} has an output schema`);
      }
    });

    await t.step("get_metrics: node summary, one request, averages equal the model", async () => {
      const { r, reqs } = await during(
        sim,
        () => call(s, "get_metrics", { node: "pve1", timeframe: "day" }),
      );
      assertEquals(reqs.map((q) => `${q.method} ${q.path}`), ["GET /nodes/pve1/rrddata"]);
      assertEquals(reqs[0].params, { timeframe: "day", cf: "AVERAGE" });
      const out = r.structuredContent;
      const n = sim.state.nodes.get("pve1")!;
      assertEquals(out.samples, 70);
      assertEquals(out.series.cpu.avg, Math.round(n.cpu * 1e6) / 1e6);
      assertEquals(out.series.memused.avg, n.mem);
      assertEquals(out.series.memtotal.max, n.maxmem);
      assertEquals(out.to - out.from, 69 * 1800);
      assertEquals(out.units.cpu, "fraction of all CPUs (0..1)");
      assert(!JSON.stringify(out).includes('"time"'), "no raw arrays");
    });

    await t.step("get_metrics: a container, looked up then read", async () => {
      const { r, reqs } = await during(
        sim,
        () => call(s, "get_metrics", { node: "pve2", vmid: 200, timeframe: "week", cf: "MAX" }),
      );
      assertEquals(reqs.map((q) => q.path), ["/cluster/resources", "/nodes/pve2/lxc/200/rrddata"]);
      const g = sim.state.guests.get(200)!;
      assertEquals(r.structuredContent.target, { node: "pve2", vmid: 200, type: "lxc" });
      assertEquals(r.structuredContent.series.mem.avg, g.mem);
      assertEquals(r.structuredContent.series.maxmem.last, g.maxmem);
    });

    await t.step("get_metrics: wrong node is refused with the right one named", async () => {
      const { r, reqs } = await during(
        sim,
        () => call(s, "get_metrics", { node: "pve2", vmid: 100 }),
      );
      assert(r.isError);
      assertStringIncludes(
        textOf(r),
        'guest 100 is on node pve1, not pve2: call again with node "pve1"',
      );
      assertEquals(reqs.length, 1);
    });

    await t.step("get_guest_ips: VM through the agent, CT through interfaces", async () => {
      const vm = await call(s, "get_guest_ips", { node: "pve1", vmid: 100 });
      const out = vm.structuredContent as any;
      assertEquals(out.addresses[0], guestIp(100));
      assertEquals(out.source, "GET /nodes/pve1/qemu/100/agent/network-get-interfaces");
      assertEquals(out.interfaces.find((i: any) => i.name === "eth0").ipv4, [`${guestIp(100)}/24`]);
      const ct = await call(s, "get_guest_ips", { node: "pve2", vmid: 200 });
      assertEquals((ct.structuredContent as any).addresses[0], guestIp(200));
      assertStringIncludes(textOf(ct), guestIp(200));
    });

    await t.step("get_guest_ips: stopped guest and missing agent explained", async () => {
      const { r, reqs } = await during(
        sim,
        () => call(s, "get_guest_ips", { node: "pve2", vmid: 102 }),
      );
      assert(r.isError);
      assertStringIncludes(textOf(r), "VM 102 is stopped");
      assertEquals(reqs.length, 1, "no agent call for a stopped VM");
      const g = sim.state.guests.get(101)!;
      g.agent!.running = false;
      const r2 = await call(s, "get_guest_ips", { node: "pve1", vmid: 101 });
      g.agent!.running = true;
      assert(r2.isError);
      assertStringIncludes(textOf(r2), "QEMU guest agent is not running");
      assertStringIncludes(textOf(r2), "qemu-guest-agent");
    });

    await t.step("get_ha_status: resources and live service states", async () => {
      const { r, reqs } = await during(sim, () => call(s, "get_ha_status"));
      assertEquals(reqs.length, 2);
      const out = r.structuredContent;
      assertEquals(out.resources.map((x: any) => [x.sid, x.state]), [["vm:100", "started"]]);
      assertEquals(out.quorate, true);
      assertEquals(out.services, [{
        sid: "vm:100",
        node: "pve1",
        state: "started",
        request_state: "started",
        crm_state: "started",
      }]);
      assertEquals(out.lrm.length, 3);
    });

    await t.step("get_pools: members of each pool", async () => {
      const { r, reqs } = await during(sim, () => call(s, "get_pools"));
      assertEquals(reqs.length, 2, "the list, then one read per pool");
      const prod = r.structuredContent.pools[0];
      assertEquals(prod.poolid, "prod");
      assertEquals(prod.comment, "Production");
      const expected = [...sim.state.guests.values()].filter((g) => g.pool === "prod")
        .map((g) => g.vmid).sort((a, b) => a - b);
      assertEquals(prod.members.map((m: any) => m.vmid), expected);
    });

    await t.step("get_firewall: cluster rules, node default, guest options", async () => {
      const c = (await call(s, "get_firewall")).structuredContent as any;
      assertEquals(c.enabled, true);
      assertEquals(c.options.policy_in, "DROP");
      assertEquals(c.rules.map((x: any) => [x.pos, x.macro ?? x.dport]), [[0, "SSH"], [1, "8006"]]);
      const n = (await call(s, "get_firewall", { scope: "node", node: "pve3" }))
        .structuredContent as any;
      assertEquals(n.enabled, true, "nodes default to enabled");
      insightOf(sim.state).guestFirewall.delete(201);
      const g = await call(s, "get_firewall", { scope: "guest", node: "pve3", vmid: 201 });
      assertEquals((g.structuredContent as any).enabled, false, "guests default to disabled");
      assertStringIncludes(textOf(g), "DISABLED");
      const bad = await call(s, "get_firewall", { scope: "guest", node: "pve3" });
      assert(bad.isError);
      assertStringIncludes(textOf(bad), "scope guest needs vmid");
    });

    await t.step("get_backup_jobs: jobs and guests no job covers", async () => {
      const m = insightOf(sim.state);
      m.backupJobs.push({
        id: "weekly-db",
        schedule: "sun 03:00",
        vmid: "101",
        enabled: 0,
        storage: "local",
      });
      m.backupJobs[0].exclude = "101,201";
      const out = (await call(s, "get_backup_jobs")).structuredContent as any;
      assertEquals(out.jobs.map((j: any) => [j.id, j.enabled, j.selection]), [
        ["backup-7c1f0a2e-5d3b", true, "all except 101,201"],
        ["weekly-db", false, "vmid 101"],
      ]);
      // A disabled job still counts for PVE's not-backed-up list.
      assertEquals(out.not_backed_up.map((g: any) => g.vmid), [201]);
      const d = await call(s, "diagnose_vm_issues", { node: "pve1", vmid: 101 });
      const f = (d.structuredContent as any).findings.find((x: any) =>
        x.id === "guest.backup.no_job"
      );
      assertStringIncludes(f.summary, "only in disabled backup job(s): weekly-db");
    });

    await t.step("prompts: listed, and filled with their arguments", async () => {
      const { prompts } = await s.client.listPrompts();
      assertEquals(prompts.map((p) => p.name).sort(), [
        "investigate-vm",
        "prepare-maintenance",
        "security-review",
        "triage-cluster",
      ]);
      const p = await s.client.getPrompt({
        name: "prepare-maintenance",
        arguments: { vmid: "101" },
      });
      const text = (p.messages[0].content as { text: string }).text;
      assertStringIncludes(text, "Prepare guest 101 for maintenance");
      assertStringIncludes(text, "diagnose_vm_issues");
      const triage = await s.client.getPrompt({ name: "triage-cluster" });
      assertStringIncludes(
        (triage.messages[0].content as { text: string }).text,
        "analyze_cluster_health",
      );
    });

    await t.step("resource proxmox://cluster/summary: live cluster status", async () => {
      const { resources } = await s.client.listResources();
      assertEquals(resources.map((r) => r.uri), [
        "proxmox://cluster/summary",
        "ui://proxmox/dashboard",
      ]);
      const read = await s.client.readResource({ uri: "proxmox://cluster/summary" });
      const body = JSON.parse((read.contents[0] as { text: string }).text);
      assertEquals(body.cluster.name, sim.state.name);
      assert(typeof body.summary === "string" && body.summary.length > 0);
    });

    assertRequestsValid(sim.requests);
  } finally {
    await srv?.close();
    await sim.close();
  }
});

Deno.test("diagnostic cost on the 32-node, 2000-guest benchmark cluster", async () => {
  const state = buildCluster({ nodes: 32, guests: 2000 });
  const sim = await startSimulator({ cluster: state });
  let srv: ServerUnderTest | undefined;
  try {
    // The read cache (when present) is switched off so each call pays its own requests.
    srv = await startServer({ sim, token: DEMO_TOKEN, config: { cache: { enabled: false } } });
    const online = [...state.nodes.values()].filter((n) => n.online).length;
    const guest = [...state.guests.values()].find((g) =>
      g.status === "running" && g.type === "qemu"
    )!;
    const cost: Record<string, number> = {};
    for (
      const [name, args] of [
        ["analyze_cluster_health", {}],
        ["diagnose_vm_issues", { node: guest.node, vmid: guest.vmid }],
        ["suggest_resource_optimization", {}],
        ["analyze_security_posture", {}],
      ] as const
    ) {
      const started = performance.now();
      const { r, reqs } = await during(sim, () => call(srv!, name, args));
      assert(!r.isError, textOf(r));
      assertEquals(r.structuredContent.api_requests, reqs.length, `${name} counts its requests`);
      cost[name] = reqs.length;
      console.log(
        `${name}: ${reqs.length} requests, ${Math.round(performance.now() - started)} ms`,
      );
    }
    assertEquals(cost.analyze_cluster_health, 4 + online);
    assert(cost.diagnose_vm_issues <= 10, `diagnose: ${cost.diagnose_vm_issues}`);
    // The generator fills local-lvm more on each node: those at 85 % or more get a trend read.
    const full = new Set<string>();
    for (const n of state.nodes.values()) {
      if (!n.online) continue;
      for (const st of state.storagesOn(n.name)) {
        const u = st.usage[n.name];
        if (st.enabled && st.active && u?.total && (u.used / u.total) * 100 >= 85) {
          full.add(st.shared ? st.id : `${n.name}/${st.id}`);
        }
      }
    }
    assertEquals(cost.suggest_resource_optimization, 1 + 50 + full.size, "1 + 50 guests + full");
    assertEquals(cost.analyze_security_posture, 3 + 1 + 2 * online + 100);
    assertRequestsValid(sim.requests);
  } finally {
    await srv?.close();
    await sim.close();
  }
});
