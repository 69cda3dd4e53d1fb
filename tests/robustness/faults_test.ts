/**
 * Faults end to end: the real server over stdio, the simulator failing the way
 * a network or a PVE cluster in trouble does (5xx, 596, malformed or
 * wrong-shaped bodies, connection resets, a request that never answers, a node
 * going offline). For each: the tool answers `isError` with a specific,
 * actionable message; the server stays up and the next call is answered
 * correctly; GETs are retried only on 502/503/network errors (at most the
 * client's 2 retries), never on 500/596, malformed bodies or timeouts.
 * TLS faults (untrusted / changed certificate) are covered by
 * tests/e2e/tls_test.ts; auth, unreachable PVE and actions by the other
 * faults_*_test.ts files.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { call, textOf } from "../support/harness.ts";
import type { Fault } from "../../src/simulator/mod.ts";
import {
  assertActionable,
  assertHealthy,
  during,
  RETRIES,
  TIMEOUT_MS,
  withFaultSession,
} from "./helpers.ts";

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

Deno.test("faults: every injected failure is a specific tool error, then service resumes", async (t) => {
  await withFaultSession(async (sim, srv) => {
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
        // Our client never retries a timed-out GET (that would double the wait). When the
        // timeout closes the hung connection, the runtime's HTTP pool may re-send that GET once
        // by itself (as for a reset, see CASES; denoland/deno#36786): never a mutation, which
        // uses no pooled connection. So: one GET, or two sent within moments, and one timeout.
        const sent = reqs.map((q) => `${q.method} ${q.path}`);
        assert(
          sent.length >= 1 && sent.length <= 2 && sent.every((x) => x === "GET /nodes"),
          `a timed-out GET is not retried: ${sent.join(", ")}`,
        );
        if (reqs.length === 2) {
          assert(reqs[1].at - reqs[0].at >= TIMEOUT_MS - 500, "the re-send comes at the timeout");
        }
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
