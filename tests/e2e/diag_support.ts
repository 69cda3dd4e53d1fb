/**
 * Helpers of the diagnostics e2e tests: a simulator plus the real server for
 * one scenario, and finding lookups in a tool result.
 *
 * @module
 */

// Structured results are read field by field; typing each nested shape adds nothing.
// deno-lint-ignore-file no-explicit-any
import { type ServerUnderTest, startServer } from "../support/harness.ts";
import { type SimToken, type Simulator, startSimulator } from "../../src/simulator/mod.ts";
import { assertRequestsValid } from "../support/schema_check.ts";

/** Sorted finding ids of a diagnostic result. */
export const ids = (r: any) => (r.structuredContent.findings as any[]).map((f) => f.id).sort();
/** The finding with this id (and resource id). */
export const one = (r: any, id: string, res?: string) =>
  (r.structuredContent.findings as any[]).find((f) =>
    f.id === id && (!res || f.resource.id === res)
  );

/** Runs `fn` against a fresh simulator and server; checks every request against the schema. */
export async function withServer(
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
