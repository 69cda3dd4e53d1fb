// Structured results are read field by field here; typing each nested shape adds nothing.
// deno-lint-ignore-file no-explicit-any
/**
 * The read path end to end: the real server process over stdio, an SDK
 * client, the simulator. Expectations come from the simulator's live model,
 * not from copies of its data.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { call, type ServerUnderTest, startServer, textOf } from "../support/harness.ts";
import {
  DEMO_TOKEN,
  demoCluster,
  type SimToken,
  type Simulator,
  startSimulator,
} from "../../src/simulator/mod.ts";
import { assertRequestsValid } from "../support/schema_check.ts";
import { expectedGuests, liveStatus } from "./guest_support.ts";

const READ_TOOLS = [
  "get_cluster_status",
  "get_node_status",
  "get_nodes",
  "get_storage",
  "get_vms",
];

/** Requests the simulator received while `fn` ran. */
async function requestsDuring(sim: Simulator, fn: () => Promise<unknown>) {
  const before = sim.requests.length;
  await fn();
  return sim.requests.slice(before);
}

function requestLine(q: { method: string; path: string; params: Record<string, unknown> }) {
  const query = new URLSearchParams(q.params as Record<string, string>).toString();
  return `${q.method} ${q.path}${query ? `?${query}` : ""}`;
}

/** Online nodes' CPU and memory; storage available on a live node, a shared one once. */
function expectedCapacity(sim: Simulator) {
  const up = [...sim.state.nodes.values()].filter((n) => n.online);
  const memory = { used: 0, total: 0 };
  for (const n of up) [memory.used, memory.total] = [memory.used + n.mem, memory.total + n.maxmem];
  const storage = { used: 0, total: 0 };
  for (const st of sim.state.storages.values()) {
    const live = st.enabled && st.active
      ? up.filter((n) => !st.nodes || st.nodes.includes(n.name))
      : [];
    for (const n of st.shared ? live.slice(0, 1) : live) {
      storage.used += st.usage[n.name]?.used ?? 0;
      storage.total += st.usage[n.name]?.total ?? 0;
    }
  }
  return { cpus: up.reduce((a, n) => a + n.maxcpu, 0), memory, storage };
}

Deno.test("read tools over stdio against the simulator", async (t) => {
  const sim = await startSimulator({ cluster: demoCluster() });
  let srv: ServerUnderTest | undefined;
  try {
    srv = await startServer({ sim });
    const s = srv;

    await t.step("tools/list: the core read tools, annotated, with output schemas", async () => {
      const { tools } = await s.client.listTools();
      const read = tools.filter((tool) => READ_TOOLS.includes(tool.name));
      assertEquals(read.map((tool) => tool.name).sort(), READ_TOOLS);
      // get_vms lists containers too: a second listing tool would only cost the model bytes.
      assert(!tools.some((tool) => tool.name === "get_containers"), "get_containers not listed");
      for (const tool of read) {
        assertEquals(tool.annotations?.readOnlyHint, true, tool.name);
        assertEquals(tool.annotations?.destructiveHint, false, tool.name);
        assert(tool.outputSchema?.type === "object", `${tool.name} has an output schema`);
        assert((tool.description ?? "").length > 20, `${tool.name} is described`);
      }
    });

    await t.step("get_nodes: every node with its state, one request", async () => {
      let r!: Awaited<ReturnType<typeof call>>;
      const reqs = await requestsDuring(sim, async () => (r = await call(s, "get_nodes")));
      assertEquals(reqs.map((q) => `${q.method} ${q.path}`), ["GET /nodes"]);
      const out = r.structuredContent as {
        nodes: Array<Record<string, unknown>>;
        online: number;
        offline: number;
      };
      const nodes = [...sim.state.nodes.values()];
      assertEquals(out.nodes.length, nodes.length);
      assertEquals(out.online, nodes.filter((n) => n.online).length);
      for (const n of nodes) {
        const got = out.nodes.find((x) => x.node === n.name)!;
        assertEquals(got.status, n.online ? "online" : "offline");
        if (n.online) {
          assertEquals(got.maxcpu, n.maxcpu);
          assertEquals(got.maxmem, n.maxmem);
          assertEquals(got.mem, n.mem);
          assertEquals(got.uptime, n.uptime);
        } else assertEquals(got.cpu, null);
      }
      const offline = nodes.find((n) => !n.online);
      if (offline) assertStringIncludes(textOf(r), `- ${offline.name}: OFFLINE`);
    });

    await t.step("get_node_status: the node's detail, field by field", async () => {
      const n = [...sim.state.nodes.values()].find((x) => x.online)!;
      let r!: Awaited<ReturnType<typeof call>>;
      const reqs = await requestsDuring(
        sim,
        async () => (r = await call(s, "get_node_status", { node: n.name })),
      );
      assertEquals(reqs.length, 1);
      assert(!r.isError, textOf(r));
      const out = r.structuredContent as Record<string, any>;
      assertEquals(out.node, n.name);
      assertEquals(out.uptime, n.uptime);
      assertEquals(out.cpuinfo.model, n.cpuinfo.model);
      assertEquals(out.cpuinfo.cpus, n.cpuinfo.cpus);
      assertEquals(out.loadavg, n.loadavg.map(Number));
      assertEquals(out.memory.total, n.maxmem);
      assertEquals(out.memory.used, n.mem);
      assertEquals(out.swap.total, n.swap.total);
      assertEquals(out.rootfs.used, n.rootfs.used);
      assertEquals(out.kernel, n.currentKernel.release);
      assertStringIncludes(out.pve_version, "pve-manager/9.1");
      assertStringIncludes(textOf(r), `Node ${n.name}: up`);
    });

    await t.step(
      "get_node_status: offline, unknown and malformed nodes are clear errors",
      async () => {
        const off = [...sim.state.nodes.values()].find((x) => !x.online)!;
        const r1 = await call(s, "get_node_status", { node: off.name });
        assert(r1.isError);
        assertStringIncludes(textOf(r1), "unreachable");
        const r2 = await call(s, "get_node_status", { node: "nosuchnode" });
        assert(r2.isError);
        assertStringIncludes(textOf(r2), `node "nosuchnode" is not part of this cluster`);
        const reqs = await requestsDuring(sim, async () => {
          const r3 = await call(s, "get_node_status", { node: "../access/users" });
          assert(r3.isError);
          assertStringIncludes(textOf(r3), "node");
        });
        assertEquals(reqs.length, 0, "a malformed node name must not reach PVE");
      },
    );

    await t.step("get_storage: shared storage once, local storage per node", async () => {
      const r = await call(s, "get_storage");
      const out = r.structuredContent as { storages: Array<Record<string, any>>; inactive: number };
      for (const st of sim.state.storages.values()) {
        const rows = out.storages.filter((x) => x.storage === st.id);
        assert(rows.length > 0, `storage ${st.id} listed`);
        assertEquals(rows[0].type, st.type);
        assertEquals(rows[0].shared, st.shared);
        assertEquals(rows[0].content, [...st.content].sort());
        if (st.shared) assertEquals(rows.length, 1);
        for (const row of rows) {
          if (!row.active) continue;
          const node = row.node ?? row.nodes[0];
          assertEquals(row.total, st.usage[node].total, `${st.id} total on ${node}`);
          assertEquals(row.used, st.usage[node].used, `${st.id} used on ${node}`);
        }
      }
      const page = (await call(s, "get_storage", { limit: 1 })).structuredContent as {
        storages: unknown[];
        total: number;
        next_offset: number | null;
      };
      assertEquals(page.storages.length, 1);
      assertEquals(page.total, out.storages.length);
      assertEquals(page.next_offset, out.storages.length > 1 ? 1 : null);
      const inactive = [...sim.state.storages.values()].filter((x) => !x.active);
      if (inactive.length) assert(out.inactive > 0, "inactive storage is reported");
    });

    await t.step("get_cluster_status: quorum, membership and totals, no guest list", async () => {
      let r!: Awaited<ReturnType<typeof call>>;
      const reqs = await requestsDuring(sim, async () => (r = await call(s, "get_cluster_status")));
      // Three small reads; the per-guest list (unfiltered or type=vm) is never among them.
      assertEquals(reqs.map(requestLine).sort(), [
        "GET /cluster/resources?type=node",
        "GET /cluster/resources?type=storage",
        "GET /cluster/status",
      ]);
      const out = r.structuredContent as Record<string, any>;
      assertEquals(out.cluster.name, sim.state.name);
      assertEquals(out.cluster.quorate, sim.state.quorate);
      assertEquals(out.cluster.nodes_total, sim.state.nodes.size);
      assertEquals(
        out.cluster.nodes_online,
        [...sim.state.nodes.values()].filter((n) => n.online).length,
      );
      assertEquals([out.vms, out.containers], [null, null]);
      assertStringIncludes(textOf(r), "guests: true");
      const want = expectedCapacity(sim);
      assertEquals(out.cpu.total, want.cpus);
      assertEquals(out.memory, want.memory);
      assertEquals(out.storage, want.storage);
      assertEquals(out.warnings, []);
    });

    await t.step("get_cluster_status guests: true: counts as the cluster holds them", async () => {
      let r!: Awaited<ReturnType<typeof call>>;
      const reqs = await requestsDuring(
        sim,
        async () => (r = await call(s, "get_cluster_status", { guests: true })),
      );
      assertEquals(reqs.length, 4);
      assert(reqs.map(requestLine).includes("GET /cluster/resources?type=vm"));
      const out = r.structuredContent as Record<string, any>;
      for (const [key, type] of [["vms", "qemu"], ["containers", "lxc"]] as const) {
        const gs = expectedGuests(sim, type);
        const status = (x: string) => gs.filter((g) => liveStatus(sim, g) === x).length;
        assertEquals(out[key], {
          total: gs.length,
          running: status("running"),
          stopped: status("stopped"),
          templates: gs.filter((g) => g.template).length,
        }, key);
      }
      assertStringIncludes(textOf(r), `of ${expectedGuests(sim, "qemu").length}`);
    });

    await t.step("a node going offline between two calls is reported, not a crash", async () => {
      const n = [...sim.state.nodes.values()].find((x) =>
        x.online && x.name !== sim.state.localNode
      )!;
      sim.state.setNodeOnline(n.name, false);
      try {
        const r = await call(s, "get_nodes");
        const got =
          (r.structuredContent as { nodes: Array<{ node: string; status: string }> }).nodes;
        assertEquals(got.find((x) => x.node === n.name)?.status, "offline");
        const vms = (await call(s, "get_vms", { node: n.name })).structuredContent as {
          guests: Array<{ status: string }>;
        };
        assert(vms.guests.every((g) => g.status === "unknown"));
      } finally {
        sim.state.setNodeOnline(n.name, true);
      }
    });

    await t.step("bad arguments are tool errors and the server stays up", async () => {
      const bad = await call(s, "get_vms", { limit: -5 });
      assert(bad.isError);
      const ok = await call(s, "get_nodes");
      assert(!ok.isError);
    });

    await t.step("every request the server made is valid against the official schema", () => {
      assert(sim.requests.length > 10);
      assertRequestsValid(sim.requests);
    });

    await t.step("the token never appears in output or logs", () => {
      assert(!srv!.stderr().includes(DEMO_TOKEN.secret), "stderr must not carry the token");
    });
  } finally {
    await srv?.close();
    await sim.close();
  }
});

Deno.test("get_cluster_status without Sys.Audit on /: a warning, membership from the node rows", async () => {
  // Sys.Audit on /nodes only: /cluster/status (Sys.Audit on /) is refused, node rows are not.
  const token: SimToken = {
    user: "ops@pve",
    tokenid: "nodesonly",
    secret: "3e4f5a6b-7c8d-4e9f-8a1b-2c3d4e5f6a7b",
    acl: { "/nodes": { "Sys.Audit": 1 }, "/storage": { "Datastore.Audit": 1 } },
  };
  const sim = await startSimulator({ cluster: demoCluster(), tokens: [token] });
  const srv = await startServer({ sim, token });
  try {
    const r = await call(srv, "get_cluster_status");
    assert(!r.isError, textOf(r));
    const out = r.structuredContent as Record<string, any>;
    assertEquals(out.warnings, [
      "quorum and membership not checked: the token lacks Sys.Audit on /",
    ]);
    assertEquals(out.cluster.quorate, null);
    assertEquals(
      out.nodes.map((n: any) => [n.name, n.online]),
      [...sim.state.nodes.values()].map((n) => [n.name, n.online]).sort(),
    );
    assertStringIncludes(textOf(r), "quorum unknown");
  } finally {
    await srv.close();
    await sim.close();
  }
});

Deno.test("a wrong token gives a clear tool error, never the secret", async () => {
  const sim = await startSimulator({ cluster: demoCluster() });
  const wrong = { ...DEMO_TOKEN, secret: "11111111-2222-3333-4444-555555555555" };
  const srv = await startServer({ sim, token: wrong });
  try {
    const r = await call(srv, "get_nodes");
    assert(r.isError);
    assertStringIncludes(textOf(r), "rejected the API token (401");
    assert(!textOf(r).includes(wrong.secret));
    assert(!srv.stderr().includes(wrong.secret));
    // The permission snapshot read after the handshake is refused too; neither is retried.
    const refused = sim.requests.filter((q) => q.status === 401).map((q) => q.path);
    assertEquals(refused.filter((p) => p === "/nodes"), ["/nodes"], "a 401 is not retried");
    // The PVE version is read with the privileges (src/proxmox/version.ts).
    const afterHandshake = ["/nodes", "/access/permissions", "/version"];
    assert(refused.every((p) => afterHandshake.includes(p)), `${refused}`);
    assert(refused.filter((p) => p === "/access/permissions").length <= 2, "no refresh loop");
    assert(refused.filter((p) => p === "/version").length <= 2, "no version read loop");
  } finally {
    await srv.close();
    await sim.close();
  }
});
