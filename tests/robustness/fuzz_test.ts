/**
 * Bad input, property-based: for every tool the server lists at run time (so
 * tools added later are covered), seeded argument sets derived from its input
 * schema — valid, boundary and hostile — go over stdio to the real server.
 * Each call must return a tool error or a well-formed result, never crash the
 * server; arguments the schema refuses must make no API request at all; and
 * every request that is made must address an endpoint template of the
 * project's table with parameters the official schema accepts.
 *
 * Replay a failure with the printed seed: `FUZZ_SEED=123 deno test -A tests/robustness/fuzz_test.ts`.
 */

import { assert } from "../support/assert.ts";
import { type ServerUnderTest, startServer, textOf } from "../support/harness.ts";
import type { CallToolResult } from "../support/sdk_client.ts";
import { demoCluster, type Simulator, startSimulator } from "../../src/simulator/mod.ts";
import { assertRequestsValid } from "../support/schema_check.ts";
import { fuzzCases, type Hints, type JsonSchema, Rng, runSeed } from "../support/fuzz.ts";
import { assertHealthy, assertInTemplates } from "./helpers.ts";

/** Total calls across all tools: keeps the suite well under a minute on 2 cores. */
const BUDGET = 1500;
const PER_TOOL_MIN = 25;
const PER_TOOL_MAX = 80;
const CALL_TIMEOUT_MS = 30_000;

/** Known-good values by argument name, from the simulator's live model. */
function hintsFrom(sim: Simulator): Hints {
  const guests = [...sim.state.guests.values()];
  const tags = guests.flatMap((g) => (g.tags ?? "").split(";")).filter(Boolean);
  return {
    node: [...sim.state.nodes.keys()],
    vmid: guests.map((g) => g.vmid),
    storage: [...sim.state.storages.keys()],
    tag: tags,
    name: guests.map((g) => g.name),
    pool: guests.map((g) => g.pool).filter(Boolean),
    type: ["qemu", "lxc"],
  };
}

interface Tally {
  calls: number;
  errors: number;
  ok: number;
  refusedWithoutRequest: number;
  requests: number;
}

Deno.test("fuzz: every listed tool survives valid, boundary and hostile arguments", async () => {
  const seed = runSeed();
  const sim = await startSimulator({ cluster: demoCluster() });
  let srv: ServerUnderTest | undefined;
  const tally: Tally = { calls: 0, errors: 0, ok: 0, refusedWithoutRequest: 0, requests: 0 };
  let current = "";
  try {
    srv = await startServer({ sim });
    const { tools } = await srv.client.listTools();
    assert(tools.length >= 6, "the server lists its tools");
    const perTool = Math.max(
      PER_TOOL_MIN,
      Math.min(PER_TOOL_MAX, Math.floor(BUDGET / tools.length)),
    );
    const rng = new Rng(seed);
    const hints = hintsFrom(sim);
    for (const tool of tools) {
      const schema = tool.inputSchema as JsonSchema;
      for (const c of fuzzCases(schema, rng, perTool, hints)) {
        current = `${tool.name} [${c.label}] valid=${c.valid}`;
        const before = sim.requests.length;
        let r: CallToolResult;
        try {
          r = await srv.client.callTool(
            { name: tool.name, arguments: c.args },
            undefined,
            { timeout: CALL_TIMEOUT_MS },
          ) as CallToolResult;
        } catch (e) {
          throw new Error(`${current}: the call failed instead of answering: ${e}`);
        }
        tally.calls++;
        const reqs = sim.requests.slice(before);
        tally.requests += reqs.length;
        assert(Array.isArray(r.content), `${current}: result has content`);
        if (r.isError) {
          tally.errors++;
          const text = textOf(r);
          assert(text.trim().length > 0, `${current}: an error says something`);
          assert(!/\n\s+at \S+ \(/.test(text), `${current}: no stack trace in ${text}`);
        } else {
          tally.ok++;
          assert(
            r.structuredContent && typeof r.structuredContent === "object",
            `${current}: a success carries structured content`,
          );
        }
        if (c.valid === false) {
          assert(r.isError, `${current}: arguments the schema refuses must be refused`);
          assert(
            reqs.length === 0,
            `${current}: refused arguments made ${reqs.length} API request(s): ` +
              reqs.map((q) => `${q.method} ${q.rawPath}`).join(", "),
          );
          tally.refusedWithoutRequest++;
        }
        assertInTemplates(reqs, current);
        for (const q of reqs) {
          // 400 = PVE refused a parameter the tool let through; 501 = no such endpoint.
          assert(
            q.status !== 400 && q.status !== 501,
            `${current}: ${q.method} ${q.rawPath} -> ${q.status}`,
          );
        }
      }
      current = `${tool.name}: liveness after its cases`;
      await assertHealthy(srv, sim, `fuzzing ${tool.name}`);
    }
    current = "schema check of every request";
    assertRequestsValid(sim.requests.filter((q) => q.status !== 0));
    console.log(
      `fuzz seed=${seed}: ${tally.calls} calls over ${tools.length} tools ` +
        `(${tally.ok} ok, ${tally.errors} tool errors, ${tally.refusedWithoutRequest} ` +
        `schema-invalid refused with no request), ${tally.requests} API requests`,
    );
  } catch (e) {
    throw new Error(`FUZZ_SEED=${seed} (replay with it): ${current}\n${(e as Error).message}`);
  } finally {
    await srv?.close();
    await sim.close();
  }
});
