/**
 * Simulator fault injection, latency and the protected-daemon worker pool.
 * Every test closes its server and client (Deno's sanitizers check it).
 */

import { deepStrictEqual as eq, ok, rejects } from "node:assert/strict";
import { simClient } from "../support/sim_client.ts";
import { startSimulator } from "../../src/simulator/mod.ts";

async function withSim(
  fn: (
    c: ReturnType<typeof simClient>,
    sim: Awaited<ReturnType<typeof startSimulator>>,
  ) => Promise<void>,
  opts = {},
) {
  const sim = await startSimulator(opts);
  const c = simClient(sim);
  try {
    await fn(c, sim);
  } finally {
    c.close();
    await sim.close();
  }
}

Deno.test("faults: status with match and times", () =>
  withSim(async (c, sim) => {
    sim.inject({
      kind: "status",
      status: 500,
      message: "VM is locked (backup)",
      match: { method: "GET", path: /^\/nodes\/pve1\// },
      times: 1,
    });
    eq((await c.call("GET", "/version")).status, 200);
    const r = await c.call("GET", "/nodes/pve1/status");
    eq([r.status, r.json?.message], [500, "VM is locked (backup)\n"]);
    eq((await c.call("GET", "/nodes/pve1/status")).status, 200);
    sim.inject({ kind: "status", status: 596, match: { path: "/nodes" } });
    eq((await c.call("GET", "/nodes")).status, 596);
    eq((await c.call("GET", "/nodes")).status, 596);
    sim.clearFaults();
    eq((await c.call("GET", "/nodes")).status, 200);
  }));

Deno.test("faults: malformed and wrong-shape bodies", () =>
  withSim(async (c, sim) => {
    sim.inject({ kind: "malformed", times: 1 });
    const bad = await c.call("GET", "/cluster/resources");
    eq([bad.status, bad.json], [200, undefined]);
    ok(bad.body.startsWith('{"data":['));
    sim.inject({ kind: "wrong-shape", times: 1 });
    const wrong = await c.call("GET", "/cluster/resources");
    ok(wrong.json && !Array.isArray(wrong.json.data) && typeof wrong.json.data === "object");
    eq((await c.call("GET", "/cluster/resources")).status, 200);
  }));

Deno.test("faults: reset before the answer and in the middle of the body", () =>
  withSim(async (c, sim) => {
    sim.inject({ kind: "reset", at: "connect", times: 1 });
    await rejects(c.call("GET", "/version"));
    sim.inject({ kind: "reset", times: 1 });
    await rejects(c.call("GET", "/cluster/resources"));
    eq((await c.call("GET", "/version")).status, 200);
  }));

Deno.test("faults: hang is released when the client aborts", () =>
  withSim(async (c, sim) => {
    sim.inject({ kind: "hang", match: { path: "/version" }, times: 1 });
    const ac = new AbortController();
    const id = setTimeout(() => ac.abort(), 100);
    try {
      await rejects(c.call("GET", "/version", { signal: ac.signal }));
    } finally {
      clearTimeout(id);
    }
    eq((await c.call("GET", "/version")).status, 200);
  }));

Deno.test("faults: hang is released when the server closes (no leaked timers)", async () => {
  const sim = await startSimulator({ latencyMs: 5 });
  const c = simClient(sim);
  sim.inject({ kind: "hang" });
  const pending = c.call("GET", "/version");
  // Close once the request has reached the server.
  while (sim.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
  await sim.close();
  await rejects(pending);
  c.close();
});

Deno.test("latency and protected worker pool delay answers", () =>
  withSim(async (c, sim) => {
    sim.setLatency(40);
    let t0 = performance.now();
    await c.call("GET", "/version");
    ok(performance.now() - t0 >= 35);
    sim.setLatency(0);
    // 6 protected calls on 3 workers at 50 ms each take at least two rounds.
    t0 = performance.now();
    await Promise.all(Array.from({ length: 6 }, () => c.call("GET", "/cluster/status")));
    ok(performance.now() - t0 >= 90);
  }, { costMs: 50, workers: 3 }));
