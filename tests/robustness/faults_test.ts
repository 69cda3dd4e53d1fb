/**
 * Faults end to end: the real server over stdio, the simulator failing the way
 * a network or a PVE cluster in trouble does. For each fault: the tool answers
 * `isError` with a specific, actionable message; the server stays up and the
 * next call is answered correctly; GETs are retried only on 502/503/network
 * errors (at most the client's 2 retries), never on 401/403/500/596, malformed
 * bodies or timeouts. TLS faults (untrusted / changed certificate) are covered
 * by tests/e2e/tls_test.ts and not repeated here.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { call, configFor, type ServerUnderTest, startServer, textOf } from "../support/harness.ts";
import {
  demoCluster,
  type Fault,
  type Simulator,
  startSimulator,
} from "../support/simulator/mod.ts";
import { assertRequestsValid } from "../support/schema_check.ts";
import { simActions } from "../support/simulator/actions.ts";
import {
  assertActionable,
  assertHealthy,
  assertInTemplates,
  during,
  ownToken,
  revokeToken,
} from "./helpers.ts";

/** The client's GET retries (src/proxmox/client.ts default). */
const RETRIES = 2;
/** The smallest timeout the configuration allows (PVE delays 401s by ~3 s). */
const TIMEOUT_MS = 3500;

interface FaultCase {
  name: string;
  fault: Fault;
  /** Requests the failing call must make: 1 = not retried, 1 + RETRIES = retried. */
  attempts: number;
  /**
   * Extra sends allowed below the client: fetch re-sends a GET once by itself when a reused
   * keep-alive connection drops before any answer (mutations avoid the pool: see
   * no_double_post_test.ts).
   */
  transportResend?: number;
  mention: string[];
}

const NODES = { method: "GET", path: "/nodes" };

const CASES: FaultCase[] = [
  {
    name: "500 internal error",
    fault: { kind: "status", status: 500, message: "got timeout", match: NODES },
    attempts: 1,
    mention: ["500", "GET /nodes", "got timeout"],
  },
  {
    name: "502 bad gateway",
    fault: { kind: "status", status: 502, match: NODES },
    attempts: 1 + RETRIES,
    mention: ["502", "GET /nodes"],
  },
  {
    name: "503 service unavailable",
    fault: { kind: "status", status: 503, match: NODES },
    attempts: 1 + RETRIES,
    mention: ["503", "GET /nodes"],
  },
  {
    name: "596 node unreachable behind pveproxy",
    fault: { kind: "status", status: 596, message: "Connection timed out", match: NODES },
    attempts: 1,
    mention: ["unreachable", "596", "offline"],
  },
  {
    name: "malformed (truncated) JSON",
    fault: { kind: "malformed", match: NODES },
    attempts: 1,
    mention: ["not JSON", "GET /nodes"],
  },
  {
    name: "connection reset before the answer",
    fault: { kind: "reset", at: "connect", match: NODES },
    attempts: 1 + RETRIES,
    transportResend: 1,
    mention: ["cannot reach PVE", "proxmox.host"],
  },
  {
    name: "connection reset in the middle of the body",
    fault: { kind: "reset", at: "body", match: NODES },
    attempts: 1 + RETRIES,
    mention: ["cannot reach PVE"],
  },
];

async function withSession(
  fn: (sim: Simulator, srv: ServerUnderTest, token: ReturnType<typeof ownToken>) => Promise<void>,
) {
  const token = ownToken();
  const sim = await startSimulator({ cluster: demoCluster(), tokens: [token] });
  const doc = configFor(sim, token);
  (doc.proxmox as Record<string, unknown>).timeout_ms = TIMEOUT_MS;
  const srv = await startServer({ rawConfig: doc });
  try {
    await fn(sim, srv, token);
    assertInTemplates(sim.requests, "(faults session)");
    assertRequestsValid(sim.requests.filter((q) => q.status !== 0));
  } finally {
    await srv.close();
    await sim.close();
  }
}

Deno.test("faults: every injected failure is a specific tool error, then service resumes", async (t) => {
  await withSession(async (sim, srv) => {
    for (const c of CASES) {
      await t.step(c.name, async () => {
        sim.inject(c.fault);
        try {
          const { result: r, reqs } = await during(sim, () => call(srv, "get_nodes"));
          assert(r.isError, `${c.name}: must be a tool error, got ${textOf(r)}`);
          assertActionable(textOf(r), c.mention, c.name);
          const made = reqs.filter((q) => q.path === "/nodes").length;
          assert(
            made >= c.attempts && made <= c.attempts + (c.transportResend ?? 0),
            `${c.name}: ${made} requests made, expected ${c.attempts} (retries)`,
          );
        } finally {
          sim.clearFaults();
        }
        await assertHealthy(srv, sim, c.name);
      });
    }

    await t.step("a body of the wrong shape is refused, not misread", async () => {
      for (const tool of ["get_nodes", "get_vms", "get_storage", "get_cluster_status"]) {
        sim.inject({ kind: "wrong-shape" });
        try {
          const { result: r, reqs } = await during(sim, () => call(srv, tool));
          assert(r.isError, `${tool} with a wrong-shaped body must fail: ${textOf(r)}`);
          assertActionable(textOf(r), [], `${tool} wrong shape`);
          assert(reqs.length >= 1 && reqs.length <= 3, `${tool}: ${reqs.length} requests`);
        } finally {
          sim.clearFaults();
        }
      }
      await assertHealthy(srv, sim, "wrong-shaped bodies");
    });

    await t.step("transient 503 and reset on a GET: retried once, answer correct", async () => {
      for (
        const fault of [
          { kind: "status", status: 503, match: NODES, times: 1 },
          { kind: "reset", at: "connect", match: NODES, times: 1 },
          { kind: "status", status: 502, match: NODES, times: RETRIES },
        ] as Fault[]
      ) {
        sim.inject(fault);
        const { reqs: again } = await during(sim, () => assertHealthy(srv, sim, fault.kind));
        const want = 1 + (fault.times ?? 1);
        // A reset on a pooled connection may be re-sent once by fetch itself (see CASES).
        const slack = fault.kind === "reset" ? 1 : 0;
        assert(
          again.length >= want && again.length <= want + slack,
          `${fault.kind}: ${again.length} requests, expected ${want} (one retry per failure)`,
        );
        sim.clearFaults();
      }
    });

    await t.step("a request that never answers times out once, not retried", async () => {
      sim.inject({ kind: "hang", match: NODES });
      const started = performance.now();
      try {
        const { result: r, reqs } = await during(sim, () => call(srv, "get_nodes"));
        const ms = performance.now() - started;
        assert(r.isError);
        assertActionable(textOf(r), [`within ${TIMEOUT_MS} ms`, "timeout_ms"], "hang");
        assertEquals(reqs.length, 1, "a timed-out GET is not retried");
        assert(ms < TIMEOUT_MS + 2500, `answered after ${Math.round(ms)} ms`);
      } finally {
        sim.clearFaults();
      }
      await assertHealthy(srv, sim, "a hung request");
    });

    await t.step("a node going offline between two calls", async () => {
      const n = [...sim.state.nodes.values()].find((x) =>
        x.online && x.name !== sim.state.localNode
      )!;
      const ok = await call(srv, "get_node_status", { node: n.name });
      assert(!ok.isError, textOf(ok));
      assertEquals((ok.structuredContent as { node: string }).node, n.name);
      sim.state.setNodeOnline(n.name, false);
      try {
        const { result: r, reqs } = await during(
          sim,
          () => call(srv, "get_node_status", { node: n.name }),
        );
        assert(r.isError);
        assertActionable(textOf(r), ["unreachable", "offline"], "node offline");
        assertEquals(reqs.filter((q) => q.status === 595).length, 1, "595 is not retried");
        await assertHealthy(srv, sim, "a node going offline");
      } finally {
        sim.state.setNodeOnline(n.name, true);
      }
      const back = await call(srv, "get_node_status", { node: n.name });
      assert(!back.isError, `node back online: ${textOf(back)}`);
    });
  });
});

Deno.test("faults: token revoked (401) and privilege removed (403) mid-session", async (t) => {
  await withSession(async (sim, srv, token) => {
    await assertHealthy(srv, sim, "start");

    await t.step("token revoked: 401, not retried, says what to check", async () => {
      const secret = revokeToken(token);
      try {
        const { result: r, reqs } = await during(sim, () => call(srv, "get_nodes"));
        assert(r.isError);
        assertActionable(textOf(r), ["401", "auth.token_value", "revoked"], "401");
        const nodes = reqs.filter((q) => q.path === "/nodes");
        assertEquals(nodes.map((q) => q.status), [401], "a 401 is never retried");
        // The server may re-read its permission snapshot after a 401: nothing else.
        const others = reqs.filter((q) => !nodes.includes(q));
        assert(
          others.every((q) => q.method === "GET" && q.path === "/access/permissions"),
          others.map((q) => `${q.method} ${q.path}`).join(", "),
        );
        assert(!textOf(r).includes(secret), "the error must not carry the secret");
      } finally {
        token.secret = secret;
      }
      await assertHealthy(srv, sim, "the token was restored");
    });

    await t.step("privilege removed: 403 naming the path and privilege, not retried", async () => {
      const n = [...sim.state.nodes.values()].find((x) => x.online)!;
      const acl = token.acl;
      // Everything but Sys.Audit: /nodes/{node}/status needs exactly that.
      const { "Sys.Audit": _dropped, ...rest } = acl["/"];
      token.acl = { "/": rest };
      try {
        const { result: r, reqs } = await during(
          sim,
          () => call(srv, "get_node_status", { node: n.name }),
        );
        assert(r.isError);
        assertActionable(textOf(r), ["Sys.Audit", `/nodes/${n.name}`, "pveum acl"], "403");
        const status = reqs.filter((q) => q.path === `/nodes/${n.name}/status`);
        assertEquals(status.map((q) => q.status), [403], "a 403 is never retried");
        // The server may re-read its permission snapshot after a 403: nothing else.
        const others = reqs.filter((q) => !status.includes(q));
        assert(
          others.every((q) => q.method === "GET" && q.path === "/access/permissions"),
          others.map((q) => `${q.method} ${q.path}`).join(", "),
        );
      } finally {
        token.acl = acl;
      }
      const ok = await call(srv, "get_node_status", { node: n.name });
      assert(!ok.isError, `privilege restored: ${textOf(ok)}`);
    });
  });
});

Deno.test("faults: PVE unreachable at start and mid-session, then back on the same port", async (t) => {
  // A port that was just free: start a simulator to learn one, then close it.
  const probe = await startSimulator();
  const port = probe.port;
  const caFile = probe.caFile;
  const caPem = await Deno.readTextFile(caFile);
  await probe.close();
  const dir = await Deno.makeTempDir({ prefix: "pmcp-unreach-" });
  const ca = `${dir}/ca.pem`;
  await Deno.writeTextFile(ca, caPem);
  const token = ownToken();
  const doc = {
    proxmox: { host: "127.0.0.1", port, verify_ssl: true, ca_file: ca, timeout_ms: TIMEOUT_MS },
    auth: { user: token.user, token_name: token.tokenid, token_value: token.secret },
    logging: { level: "DEBUG" },
  };
  const srv = await startServer({ rawConfig: doc });
  let sim: Simulator | undefined;
  try {
    await t.step(
      "nothing listening at start: the server starts and every tool says why",
      async () => {
        const { tools } = await srv.client.listTools();
        assert(tools.length >= 6, "tools are listed without reaching PVE");
        const r = await call(srv, "get_nodes");
        assert(r.isError);
        assertActionable(
          textOf(r),
          ["cannot reach PVE", `127.0.0.1:${port}`, "proxmox.port"],
          "down",
        );
      },
    );

    await t.step("PVE comes up on that port: the next call is correct", async () => {
      sim = await startSimulator({ cluster: demoCluster(), tokens: [token], port });
      await assertHealthy(srv, sim, "PVE came up");
    });

    await t.step("PVE goes away mid-session, comes back: error, then correct again", async () => {
      await sim!.close();
      const r = await call(srv, "get_cluster_status");
      assert(r.isError);
      assertActionable(textOf(r), ["cannot reach PVE"], "gone mid-session");
      sim = await startSimulator({ cluster: demoCluster(), tokens: [token], port });
      await assertHealthy(srv, sim, "PVE came back");
      assertInTemplates(sim.requests);
    });
  } finally {
    await srv.close();
    await sim?.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("faults: a task that never ends, and failing POSTs are never re-sent", async (t) => {
  await withSession(async (sim, srv) => {
    const actions = simActions(sim.state);
    actions.durationMs = 50;
    const stoppedVm = () =>
      [...sim.state.guests.values()].find((g) =>
        g.type === "qemu" && g.status === "stopped" && !g.template && !g.lock &&
        !(g.tags ?? "").includes("protected") && sim.state.nodes.get(g.node)?.online
      )!;

    await t.step("the task never ends: the wait is bounded, the UPID is returned", async () => {
      const vm = stoppedVm();
      actions.next.push({ durationMs: Infinity });
      const started = performance.now();
      const { result: r, reqs } = await during(
        sim,
        () => call(srv, "start_vm", { vmid: vm.vmid, timeout_s: 1 }),
      );
      const ms = performance.now() - started;
      const out = r.structuredContent as { result: string; upid: string | null };
      // Not a failure of the action (it runs on in PVE): a report the model can follow up.
      assertEquals(out?.result, "timeout", textOf(r));
      assertActionable(textOf(r), ["still running", "get_task_status", out.upid!], "endless task");
      assert(out.upid?.startsWith(`UPID:${vm.node}:`), "the UPID to follow is returned");
      assertEquals(reqs.filter((q) => q.method === "POST").length, 1, "one POST");
      assert(ms < 4000, `bounded wait: ${Math.round(ms)} ms`);
      const st = await call(srv, "get_task_status", { upid: out.upid });
      assert(!st.isError, textOf(st));
      assertEquals((st.structuredContent as { status: string }).status, "running");
      await assertHealthy(srv, sim, "a task that never ends");
    });

    for (
      const fault of [
        { kind: "status", status: 503 },
        { kind: "status", status: 502 },
        { kind: "reset", at: "connect" },
        { kind: "reset", at: "body" },
        { kind: "hang" },
      ] as Fault[]
    ) {
      const label = fault.kind === "status"
        ? `${fault.status}`
        : fault.kind === "reset"
        ? `reset (${fault.at})`
        : fault.kind;
      await t.step(`POST answered by ${label}: sent once, a clear error`, async () => {
        const vm = stoppedVm();
        sim.inject({ ...fault, match: { method: "POST" } } as Fault);
        try {
          const { result: r, reqs } = await during(
            sim,
            () => call(srv, "start_vm", { vmid: vm.vmid, timeout_s: 5 }),
          );
          assert(r.isError, `${label}: ${textOf(r)}`);
          assertActionable(textOf(r), [], `POST ${label}`);
          assertEquals(reqs.filter((q) => q.method === "POST").length, 1, `${label}: one POST`);
        } finally {
          sim.clearFaults();
        }
        await assertHealthy(srv, sim, `a failed POST (${label})`);
      });
    }
  });
});
