/**
 * Request counts, end to end: every tool the server lists makes a fixed number
 * of PVE API requests per call, the same on an 8-node/100-guest cluster as on
 * a 32-node/2,000-guest one (no N+1); start-up reads only the token's privileges; parallel calls
 * share reads; a 20,000-guest listing stays small for the model.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { call, type ServerUnderTest, startServer, textOf } from "../support/harness.ts";
import { buildCluster, type Simulator, startSimulator } from "../../src/simulator/mod.ts";
import type { ClusterState } from "../../src/simulator/mod.ts";
import type { Tool } from "../support/sdk_client.ts";
import { assertRequestsValid } from "../support/schema_check.ts";

interface Expectation {
  /** Shown in failures. */
  label: string;
  /** Arguments beyond the common ones (node, vmid, dry_run, snapname, upid: see argsFor). */
  args?: (s: ClusterState) => Record<string, unknown>;
  /** API requests per call; may depend on node count, never on guest count. */
  requests: (s: ClusterState) => number;
  /** `requests` is an upper bound (fan-out that depends on the data, capped by the tool). */
  atMost?: boolean;
}

const fixed = (n: number) => () => n;
const online = (s: ClusterState) => [...s.nodes.values()].filter((n) => n.online).length;
const onlineNode = (s: ClusterState) => s.localNode!;
/** Whether some storage row is not "available" (on `node`, or anywhere). */
const storageDown = (s: ClusterState, node?: string) =>
  [...s.nodes.values()].some((n) =>
    (!node || n.name === node) &&
    s.storagesOn(n.name).some((st) => st.enabled !== false && (!n.online || !st.active))
  );
/** An online node that carries guests (round-robin spreads them over every node). */
const busyNode = (s: ClusterState) =>
  [...s.guests.values()].find((g) => s.nodes.get(g.node)?.online)!.node;
const SNAP = "before_upgrade";
/**
 * Finding a guest whose node is given (argsFor gives it) by a tool that serves both kinds, after
 * the get_vms listing `measure` starts with (as a model lists, then acts): the guest's own
 * status, of the kind the listing saw (src/safety/guest_locator.ts). Without a sighting it is
 * that status of both kinds in one round trip (tests/e2e/target_lookup_test.ts).
 */
const LOOKUP = 1;

/** A guest_power dry run of `action` on a sample guest of `type`, `extra` requests past the lookup. */
function power(action: string, type: "qemu" | "lxc", extra: number): Expectation {
  return {
    label: `${action} ${type}, dry run`,
    args: (s) => {
      const g = sampleGuest(s, type);
      return { action, vmid: g.vmid, node: g.node };
    },
    requests: fixed(LOOKUP + extra),
  };
}

/** A running guest of `type` on an online node, with one snapshot to act on. */
function sampleGuest(s: ClusterState, type: "qemu" | "lxc") {
  const g = [...s.guests.values()].find((x) =>
    x.type === type && x.status === "running" && !x.template && s.nodes.get(x.node)?.online
  )!;
  if (!g.snapshots.some((x) => x.name === SNAP)) {
    g.snapshots.push({ name: SNAP, description: "", snaptime: 1_700_000_000 });
  }
  return g;
}

/** The common arguments a tool's schema asks for, filled from the cluster; mutations dry-run. */
function argsFor(tool: Tool, s: ClusterState): Record<string, unknown> {
  const props = (tool.inputSchema.properties ?? {}) as Record<string, unknown>;
  const required = new Set(tool.inputSchema.required ?? []);
  const g = sampleGuest(s, /container|lxc/.test(tool.name) ? "lxc" : "qemu");
  const args: Record<string, unknown> = {};
  if (tool.annotations?.readOnlyHint !== true) args.dry_run = true;
  if (required.has("vmid")) args.vmid = g.vmid;
  if (required.has("node") || ("node" in props && args.vmid !== undefined)) args.node = g.node;
  if (required.has("snapname")) args.snapname = SNAP;
  if (required.has("upid")) {
    if ("node" in props) args.node = g.node;
    args.upid = s.startTask({ node: g.node, type: "qmstart", id: String(g.vmid), user: "root@pam" })
      .upid;
  }
  return args;
}

/**
 * Every tool, with its cost in requests. A tool added without an entry here fails the coverage
 * step: decide its count (one round trip for cluster-wide reads) and add it.
 */
const EXPECTED: Record<string, Expectation[]> = {
  get_nodes: [{ label: "all", requests: fixed(1) }],
  get_node_status: [{
    label: "one node",
    args: (s) => ({ node: onlineNode(s) }),
    requests: fixed(1),
  }],
  get_vms: [
    { label: "default page", requests: fixed(1) },
    { label: "one node", args: (s) => ({ node: busyNode(s) }), requests: fixed(1) },
    {
      label: "filters",
      args: () => ({ status: "running", tag: "prod", name: "vm-1*", include_templates: false }),
      requests: fixed(1),
    },
    { label: "big page", args: () => ({ limit: 1000, offset: 50 }), requests: fixed(1) },
    { label: "containers", args: () => ({ type: "lxc" }), requests: fixed(1) },
    {
      label: "containers on one node",
      args: (s) => ({ type: "lxc", node: busyNode(s) }),
      requests: fixed(1),
    },
    { label: "top 5 by cpu", args: () => ({ sort: "cpu", limit: 5 }), requests: fixed(1) },
  ],
  // Plus /nodes when a storage is not available somewhere: is that node offline?
  get_storage: [
    { label: "all", requests: (s) => 1 + (storageDown(s) ? 1 : 0) },
    {
      label: "one node",
      args: (s) => ({ node: onlineNode(s) }),
      requests: (s) => 1 + (storageDown(s, onlineNode(s)) ? 1 : 0),
    },
  ],
  // /cluster/status and /cluster/resources?type=node and ?type=storage, sent together;
  // guests: true adds ?type=vm to the same round.
  get_cluster_status: [
    { label: "default", requests: fixed(3) },
    { label: "guests", args: () => ({ guests: true }), requests: fixed(4) },
  ],
  get_pools: [{ label: "all", requests: fixed(1) }],
  list_tasks: [{ label: "recent", requests: fixed(1) }],
  get_metrics: [{ label: "node", args: (s) => ({ node: onlineNode(s) }), requests: fixed(1) }],
  get_backup_jobs: [{ label: "all", requests: fixed(2) }],
  get_firewall: [{ label: "cluster", requests: fixed(2) }],
  get_ha_status: [{ label: "all", requests: fixed(2) }],
  // Dashboard: one /cluster/resources for nodes, guests and storage, with /cluster/status,
  // tasks and HA (2) in one round, whatever the size.
  show_cluster: [{ label: "all", requests: fixed(5) }],
  dashboard_metrics: [{
    label: "node",
    args: (s) => ({ node: onlineNode(s) }),
    requests: fixed(1),
  }],
  dashboard_action: [{
    label: "reboot, dry run",
    args: (s) => ({
      action: "reboot",
      vmid: sampleGuest(s, "qemu").vmid,
      type: "qemu",
      dry_run: true,
    }),
    requests: fixed(2),
  }],
  // The lookup, then the config and the live status/current.
  get_guest: [{ label: "vm", requests: fixed(LOOKUP + 2) }],
  get_guest_ips: [{ label: "vm", requests: fixed(2) }],
  list_snapshots: [{ label: "vm", requests: fixed(LOOKUP + 1) }],
  // Status and the log's tail, or status and one log page.
  get_task_status: [
    { label: "task", requests: fixed(2) },
    { label: "log page", args: () => ({ log_start: 0, log_lines: 50 }), requests: fixed(2) },
  ],
  diagnose_vm_issues: [{ label: "vm", requests: fixed(8) }],
  // Per-node detail, sent concurrently (bounded by the client's gate).
  analyze_cluster_health: [{ label: "cluster", requests: (s) => 4 + online(s) }],
  // Per-node firewall and updates, plus at most 100 guests' firewall options.
  analyze_security_posture: [
    { label: "cluster", requests: (s) => 4 + 2 * online(s) + 100, atMost: true },
  ],
  // At most 50 guests' RRD data, plus storage RRD per node where usage calls for it.
  suggest_resource_optimization: [
    { label: "cluster", requests: (s) => 1 + 50 + 2 * online(s) + 1, atMost: true },
  ],
  // Mutating tools, dry_run: true (a dry run reads, never writes). A VM's graceful actions
  // also read its qmpstatus (a paused VM lists as running); containers have none to check.
  guest_power: [
    power("start", "qemu", 0),
    power("stop", "qemu", 0),
    power("reset", "qemu", 0),
    power("shutdown", "qemu", 1),
    power("reboot", "qemu", 1),
    power("suspend", "qemu", 1),
    power("resume", "qemu", 1),
    power("start", "lxc", 0),
    power("stop", "lxc", 0),
    power("shutdown", "lxc", 0),
    power("reboot", "lxc", 0),
    power("suspend", "lxc", 0),
    power("resume", "lxc", 0),
  ],
  // The lookup, then the snapshot list (and for delete the config too).
  guest_snapshot: [
    { label: "create, dry run", args: () => ({ action: "create" }), requests: fixed(LOOKUP + 1) },
    { label: "delete, dry run", args: () => ({ action: "delete" }), requests: fixed(LOOKUP + 2) },
    {
      label: "rollback, dry run",
      args: () => ({ action: "rollback" }),
      requests: fixed(LOOKUP + 1),
    },
  ],
};

async function withServer(
  sim: Simulator,
  fn: (srv: ServerUnderTest) => Promise<void>,
  config: Record<string, unknown> = {},
) {
  const srv = await startServer({ sim, config: { logging: { level: "WARNING" }, ...config } });
  try {
    await fn(srv);
  } finally {
    await srv.close();
  }
}

/** Every expectation's measured and expected requests per call, keyed `tool label`. */
async function measure(sim: Simulator, srv: ServerUnderTest) {
  const { tools } = await srv.client.listTools();
  const got: Record<string, number> = {};
  const want: Record<string, number> = {};
  const listed = await call(srv, "get_vms", { limit: 1 });
  assert(!listed.isError, textOf(listed));
  for (const tool of tools) {
    for (const c of EXPECTED[tool.name] ?? []) {
      const args = { ...argsFor(tool, sim.state), ...c.args?.(sim.state) };
      const before = sim.requests.length;
      const r = await call(srv, tool.name, args);
      assert(!r.isError, `${tool.name} (${c.label}) failed: ${textOf(r)}`);
      const key = `${tool.name} ${c.label}`;
      got[key] = sim.requests.length - before;
      const limit = c.requests(sim.state);
      // A bound holds when the count stays within it; show the count itself then.
      want[key] = c.atMost && got[key] <= limit ? got[key] : limit;
    }
  }
  return { got, want };
}

Deno.test("start-up: no PVE request but the token's privileges, read once after the handshake", async () => {
  const sim = await startSimulator({ cluster: buildCluster({ nodes: 8, guests: 100 }) });
  const seen = () => sim.requests.map((q) => `${q.method} ${q.path}`);
  try {
    await withServer(sim, async (srv) => {
      const { tools } = await srv.client.listTools();
      assert(tools.length > 0);
      await srv.client.listTools();
      // The permission-aware tool list reads /access/permissions once, after `initialized`,
      // and with it the PVE version that names the privileges (src/proxmox/version.ts).
      const first = ["GET /access/permissions", "GET /version"];
      assertEquals(seen().sort(), first, "nothing else before the first call");
      await call(srv, "get_nodes");
      assertEquals(seen().slice(2), ["GET /nodes"]);
    });
  } finally {
    await sim.close();
  }
});

Deno.test("requests per tool call are fixed and do not grow with cluster size", async (t) => {
  const small = await startSimulator({ cluster: buildCluster({ nodes: 8, guests: 100 }) });
  const big = await startSimulator({ cluster: buildCluster({ nodes: 32, guests: 2000 }) });
  try {
    await t.step("every listed tool has an expected request count", async () => {
      await withServer(small, async (srv) => {
        const { tools } = await srv.client.listTools();
        const missing = tools.map((x) => x.name).filter((n) => !(n in EXPECTED));
        assertEquals(missing, [], "tools without a request-count expectation in this file");
      });
    });
    await t.step("8 nodes, 100 guests", async () => {
      await withServer(small, async (srv) => {
        const { got, want } = await measure(small, srv);
        assertEquals(got, want);
      });
    });
    await t.step("32 nodes, 2,000 guests: the same counts", async () => {
      await withServer(big, async (srv) => {
        const { got, want } = await measure(big, srv);
        assertEquals(got, want);
      });
    });
    await t.step("every request is valid against the official schema", () => {
      assertRequestsValid(small.requests);
      assertRequestsValid(big.requests);
    });
  } finally {
    await small.close();
    await big.close();
  }
});

Deno.test("parallel calls share one read; sequential calls read fresh unless across_calls", async () => {
  const sim = await startSimulator({
    cluster: buildCluster({ nodes: 8, guests: 100 }),
    latencyMs: 50, // keeps the first read in flight while the second call arrives
  });
  const resourceReads = () =>
    sim.requests.filter((q) => q.path === "/cluster/resources" && q.params.type === "vm").length;
  try {
    await withServer(sim, async (srv) => {
      const [vms, cts] = await Promise.all([
        call(srv, "get_vms"),
        call(srv, "get_vms", { type: "lxc" }),
      ]);
      assert(!vms.isError && !cts.isError);
      assertEquals(resourceReads(), 1, "two parallel listings, one /cluster/resources");
      await call(srv, "get_vms");
      assertEquals(resourceReads(), 2, "a later call reads fresh data (cache empties when idle)");
    });
    await withServer(sim, async (srv) => {
      const before = resourceReads();
      await call(srv, "get_vms");
      await call(srv, "get_vms", { offset: 100 });
      assertEquals(resourceReads() - before, 1, "paging within ttl_ms reuses the answer");
    }, { cache: { across_calls: true, ttl_ms: 60_000 } });
    await withServer(sim, async (srv) => {
      const before = resourceReads();
      await call(srv, "get_vms");
      await call(srv, "get_vms");
      assertEquals(resourceReads() - before, 2);
    }, { cache: { enabled: false, across_calls: true } });
  } finally {
    await sim.close();
  }
});

Deno.test("a 20,000-guest listing is paged and stays small for the model", async () => {
  const sim = await startSimulator({ cluster: buildCluster({ nodes: 128, guests: 20_000 }) });
  const size = (r: unknown) => new TextEncoder().encode(JSON.stringify(r)).length;
  try {
    await withServer(sim, async (srv) => {
      for (const type of [undefined, "lxc"] as const) {
        const tool = `get_vms type ${type ?? "any"}`;
        const r = await call(srv, "get_vms", type ? { type } : {});
        const out = r.structuredContent as { total: number; returned: number; next_offset: number };
        const want = [...sim.state.guests.values()].filter((g) => !type || g.type === type).length;
        assertEquals([out.total, out.returned, out.next_offset], [want, 100, 100]);
        assert(size(r) < 64 * 1024, `${tool}: ${size(r)} bytes for the default page`);
        const lines = textOf(r).split("\n");
        assert(lines.length <= 102, `${tool}: ${lines.length} text lines`);
        assertStringIncludes(textOf(r), `${want - 100} more: ask again with offset 100`);
      }
      const big = await call(srv, "get_vms", { limit: 1000 });
      assert(size(big) < 512 * 1024, `limit 1000: ${size(big)} bytes`);
      for (const tool of ["get_nodes", "get_storage", "get_cluster_status"]) {
        const r = await call(srv, tool);
        assert(!r.isError, textOf(r));
        assert(size(r) < 128 * 1024, `${tool}: ${size(r)} bytes at 128 nodes`);
      }
    });
  } finally {
    await sim.close();
  }
});
