// JSON-RPC answers are read field by field; typing each nested shape adds nothing.
// deno-lint-ignore-file no-explicit-any
/**
 * The 2026-07-28 era end to end, raw JSON-RPC against the real server as a
 * separate process, over stdio and over HTTP: discover; a destructive stop
 * confirmed through input_required that then runs as an MCP task with exactly
 * one POST; the same call inline without the extension; cancellation that
 * stops the PVE task; refusals of foreign, forged and tampered ids and
 * states with nothing sent; two processes sharing the key answering each
 * other's task ids.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { configFor } from "../support/harness.ts";
import { spawnRaw } from "../robustness/raw_stdio.ts";
import { startHttpProcess } from "../support/http_harness.ts";
import { demoCluster, type Simulator, startSimulator } from "../../src/simulator/mod.ts";
import { simActions } from "../../src/simulator/actions.ts";
import { type Declared, httpCall, stdioCall } from "../support/modern.ts";
import { mutations } from "./action_support.ts";

type Call = (method: string, params: Record<string, unknown>, d?: Declared) => Promise<any>;

const KEY = "a".repeat(64);
const OPS = "ops-token-0123456789abcdef";
const OTHER = "other-token-0123456789abcd";
const ASKING = { tasks: true, elicitation: true };

function config(sim: Simulator) {
  return configFor(sim, undefined, {
    logging: { level: "WARNING" },
    mcp: { state_key: KEY },
    http: {
      tokens: [{ name: "ops", token: OPS }, { name: "other", token: OTHER }],
    },
  });
}

async function stdioServer(sim: Simulator) {
  const dir = await Deno.makeTempDir();
  const configPath = `${dir}/config.json`;
  await Deno.writeTextFile(configPath, JSON.stringify(config(sim)));
  const srv = spawnRaw({ configPath });
  const call: Call = (m, p, d) => stdioCall(srv, m, p, d);
  return { call, close: () => srv.close() };
}

async function httpServer(sim: Simulator) {
  const srv = await startHttpProcess({ config: config(sim) });
  const as = (token: string): Call => async (m, p, d) =>
    (await httpCall(srv.url, token, m, p, d)).message;
  return { call: as(OPS), as, close: () => srv.close(), url: srv.url };
}

async function pollUntilEnded(call: Call, taskId: string, ms = 15_000) {
  const end = Date.now() + ms;
  for (;;) {
    const g = await call("tasks/get", { taskId }, ASKING);
    assert(g.result, JSON.stringify(g));
    if (g.result.status !== "working") return g.result;
    if (Date.now() > end) throw new Error(`task still working: ${JSON.stringify(g.result)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const stops = (sim: Simulator) =>
  mutations(sim.requests).filter((r) => r.path.endsWith("/status/stop"));

async function scenario(t: Deno.TestContext, sim: Simulator, call: Call) {
  await t.step(
    "server/discover: versions, instructions, the tasks extension, cache hints",
    async () => {
      const d = await call("server/discover", {});
      assert(d.result.supportedVersions.includes("2026-07-28"), JSON.stringify(d));
      assert(d.result.instructions.includes("dry_run"));
      assert("io.modelcontextprotocol/tasks" in d.result.capabilities.extensions);
      assert(typeof d.result.ttlMs === "number" && d.result.cacheScope === "private");
      const list = await call("tools/list", {});
      assert(list.result.tools.some((x: any) => x.name === "guest_power"));
      assertEquals(list.result.cacheScope, "private", "fitted to the token");
      // App-only tools (the dashboard's buttons) reach only hosts that render MCP Apps.
      const names = (r: any) => r.result.tools.map((x: any) => x.name);
      assert(names(list).includes("show_cluster"));
      assert(!names(list).includes("dashboard_action"), "hidden from a host without apps");
      const withApps = await call("tools/list", {}, { apps: true });
      assert(names(withApps).includes("dashboard_action"));
    },
  );

  await t.step("a confirmed stop asks through input_required, then runs as a task", async () => {
    simActions(sim.state).next.push({ durationMs: 600 });
    const before = stops(sim).length;
    const asked = await call("tools/call", {
      name: "guest_power",
      arguments: { action: "stop", vmid: 100 },
    }, ASKING);
    assertEquals(asked.result.resultType, "input_required", JSON.stringify(asked));
    const q = asked.result.inputRequests.confirm;
    assertEquals(q.method, "elicitation/create");
    assert(/VM 100/.test(q.params.message));
    assertEquals(stops(sim).length, before, "nothing sent before the answer");
    const started = await call("tools/call", {
      name: "guest_power",
      arguments: { action: "stop", vmid: 100 },
      inputResponses: { confirm: { action: "accept", content: { confirm: true } } },
      requestState: asked.result.requestState,
    }, ASKING);
    assertEquals(started.result.resultType, "task", JSON.stringify(started));
    assertEquals(started.result.status, "working");
    const done = await pollUntilEnded(call, started.result.taskId);
    assertEquals(done.status, "completed", JSON.stringify(done));
    assertEquals(done.result.structuredContent.exitstatus, "OK");
    assertEquals(stops(sim).length, before + 1, "exactly one POST");
    // The same state again: refused, nothing sent.
    const replay = await call("tools/call", {
      name: "guest_power",
      arguments: { action: "stop", vmid: 100 },
      inputResponses: { confirm: { action: "accept", content: { confirm: true } } },
      requestState: asked.result.requestState,
    }, ASKING);
    assertEquals(replay.error?.code, -32602, JSON.stringify(replay));
    assertEquals(stops(sim).length, before + 1);
  });

  await t.step("without the extension the same call completes inline", async () => {
    await call(
      "tools/call",
      { name: "guest_power", arguments: { action: "start", vmid: 100 } },
      {},
    );
    const before = stops(sim).length;
    const r = await call("tools/call", {
      name: "guest_power",
      arguments: { action: "stop", vmid: 100, confirm: true },
    }, {});
    assertEquals(r.result.resultType, "complete", JSON.stringify(r).slice(0, 400));
    assertEquals(r.result.structuredContent.result, "done");
    assertEquals(stops(sim).length, before + 1);
  });

  await t.step("tasks/cancel stops the PVE task", async () => {
    await call(
      "tools/call",
      { name: "guest_power", arguments: { action: "start", vmid: 100 } },
      {},
    );
    simActions(sim.state).next.push({ durationMs: Infinity });
    const r = await call("tools/call", {
      name: "guest_power",
      arguments: { action: "stop", vmid: 100, confirm: true },
    }, { tasks: true });
    assertEquals(r.result.resultType, "task", JSON.stringify(r));
    const c = await call("tasks/cancel", { taskId: r.result.taskId }, { tasks: true });
    assert(c.result, JSON.stringify(c));
    assert(
      sim.requests.some((q) => q.method === "DELETE" && q.path.includes("/tasks/UPID:")),
      "the PVE task was told to stop",
    );
    const end = await pollUntilEnded(call, r.result.taskId);
    assertEquals(end.status, "cancelled", JSON.stringify(end));
  });

  await t.step("forged ids and tampered states: -32602, nothing sent", async () => {
    const n = mutations(sim.requests).length;
    const forged = await call("tasks/get", { taskId: "AAAA" + "b".repeat(60) }, ASKING);
    assertEquals(forged.error?.code, -32602);
    const noExt = await call("tasks/get", { taskId: "x" }, {});
    assertEquals(noExt.error?.code, -32021, JSON.stringify(noExt));
    const asked = await call("tools/call", {
      name: "guest_power",
      arguments: { action: "stop", vmid: 101 },
    }, ASKING);
    const state: string = asked.result.requestState;
    // Change one character of the MAC for certain (a different character, same alphabet).
    const at = state.length - 3;
    const flipped = state.slice(0, at) + (state[at] === "A" ? "B" : "A") + state.slice(at + 1);
    assert(flipped !== state);
    const tampered = await call("tools/call", {
      name: "guest_power",
      arguments: { action: "stop", vmid: 101 },
      inputResponses: { confirm: { action: "accept", content: { confirm: true } } },
      requestState: flipped,
    }, ASKING);
    assertEquals(tampered.error?.code, -32602, JSON.stringify(tampered));
    const otherArgs = await call("tools/call", {
      name: "guest_power",
      arguments: { action: "stop", vmid: 102 },
      inputResponses: { confirm: { action: "accept", content: { confirm: true } } },
      requestState: state,
    }, ASKING);
    assertEquals(otherArgs.error?.code, -32602, "a state for VM 101 does not stop VM 102");
    assertEquals(mutations(sim.requests).length, n);
  });
}

Deno.test("modern era over stdio", async (t) => {
  const sim = await startSimulator({ cluster: demoCluster() });
  const srv = await stdioServer(sim);
  try {
    await scenario(t, sim, srv.call);
  } finally {
    await srv.close();
    await sim.close();
  }
});

Deno.test("modern era over HTTP: owners, and replicas sharing the key", async (t) => {
  const sim = await startSimulator({ cluster: demoCluster() });
  const a = await httpServer(sim);
  const b = await httpServer(sim);
  try {
    await scenario(t, sim, a.call);
    await t.step(
      "a task of one token is invisible to another; replica b answers a's id",
      async () => {
        simActions(sim.state).next.push({ durationMs: 300 });
        await a.call("tools/call", {
          name: "guest_power",
          arguments: { action: "start", vmid: 103 },
        }, {});
        const r = await a.call("tools/call", {
          name: "guest_power",
          arguments: { action: "stop", vmid: 103, confirm: true },
        }, { tasks: true });
        assertEquals(r.result.resultType, "task", JSON.stringify(r));
        const foreign = await a.as(OTHER)("tasks/get", { taskId: r.result.taskId }, ASKING);
        assertEquals(foreign.error?.code, -32602, "another token sees nothing");
        const cancelForeign = await a.as(OTHER)("tasks/cancel", { taskId: r.result.taskId }, {
          tasks: true,
        });
        assertEquals(cancelForeign.error?.code, -32602);
        const end = await pollUntilEnded(b.call, r.result.taskId);
        assertEquals(end.status, "completed", "replica b read it from PVE");
      },
    );
  } finally {
    await a.close();
    await b.close();
    await sim.close();
  }
});
