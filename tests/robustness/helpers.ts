/**
 * Shared bits of the robustness suites: a private copy of the demo token (so a
 * test may revoke it or strip its privileges without touching others), request
 * windows on the simulator, and the "server still answers correctly" probe.
 *
 * @example
 * ```ts ignore
 * const token = ownToken();
 * const sim = await startSimulator({ tokens: [token] });
 * revokeToken(token); // the next request answers 401
 * ```
 *
 * @module
 */

import { assert, assertEquals } from "../support/assert.ts";
import { call, configFor, type ServerUnderTest, startServer, textOf } from "../support/harness.ts";
import {
  DEMO_TOKEN,
  demoCluster,
  type SimToken,
  type Simulator,
  startSimulator,
} from "../../src/simulator/mod.ts";
import { assertRequestsValid } from "../support/schema_check.ts";
import { matchEndpoint } from "../../src/proxmox/endpoints.ts";
import type { RecordedRequest } from "../../src/simulator/mod.ts";

/** A deep copy of DEMO_TOKEN (the simulator reads the token objects it was given, live). */
export function ownToken(): SimToken {
  return structuredClone(DEMO_TOKEN);
}

/** Revokes `token` as `pveum user token remove` would: its secret no longer matches. */
export function revokeToken(token: SimToken): string {
  const old = token.secret;
  token.secret = crypto.randomUUID();
  return old;
}

/** Runs `fn` and returns it with the requests the simulator received meanwhile. */
export async function during<T>(
  sim: Simulator,
  fn: () => Promise<T>,
): Promise<{ result: T; reqs: RecordedRequest[] }> {
  const before = sim.requests.length;
  const result = await fn();
  return { result, reqs: sim.requests.slice(before) };
}

/** Asserts that get_nodes answers, and answers what the simulator's live model holds. */
export async function assertHealthy(srv: ServerUnderTest, sim: Simulator, why = ""): Promise<void> {
  const r = await call(srv, "get_nodes");
  assert(
    !r.isError,
    `server should answer correctly again${why ? ` after ${why}` : ""}: ${textOf(r)}`,
  );
  const nodes = (r.structuredContent as { nodes: Array<{ node: string; status: string }> }).nodes;
  const want = [...sim.state.nodes.values()].map((n) => n.name).sort();
  assertEquals(nodes.map((n) => n.node).sort(), want);
  for (const n of nodes) {
    assertEquals(n.status, sim.state.nodes.get(n.node)!.online ? "online" : "offline", n.node);
  }
}

/** Every request names an endpoint of the project's table (no path outside a template). */
export function assertInTemplates(reqs: readonly RecordedRequest[], context = ""): void {
  for (const q of reqs) {
    const m = matchEndpoint(q.method, q.path);
    assert(m, `${q.method} ${q.path} (raw ${q.rawPath}) matches no endpoint template ${context}`);
    // PVE decodes before routing: an encoded '/', '?' or '#' inside a value would re-route.
    for (const [k, v] of Object.entries(m.pathParams)) {
      assert(!/[/?#%\s]/.test(String(v)), `path parameter ${k}=${JSON.stringify(v)} ${context}`);
    }
  }
}

/** An error text a model can act on: specific, one message, no stack trace. */
export function assertActionable(text: string, mustInclude: string[], context = ""): void {
  assert(text.length > 20, `error text too short (${context}): ${JSON.stringify(text)}`);
  assert(!/\n\s+at /.test(text), `error text carries a stack trace (${context}): ${text}`);
  assert(!/\[object Object\]|undefined is not|is not a function/.test(text), `${context}: ${text}`);
  for (const part of mustInclude) {
    assert(
      text.toLowerCase().includes(part.toLowerCase()),
      `error text should mention "${part}" (${context}): ${text}`,
    );
  }
}

/** The client's GET retries (src/proxmox/client.ts default). */
export const RETRIES = 2;
/** The smallest timeout the configuration allows (PVE delays 401s by ~3 s). */
export const TIMEOUT_MS = 3500;

/**
 * One server over stdio against a demo-cluster simulator with a private token and the shortest
 * timeout; afterwards every request must have addressed a template and passed the schema.
 */
export async function withFaultSession(
  fn: (sim: Simulator, srv: ServerUnderTest, token: SimToken) => Promise<void>,
): Promise<void> {
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
