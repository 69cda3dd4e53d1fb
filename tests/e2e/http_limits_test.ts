/**
 * HTTP limits an attacker tried: a page on another loopback port driving a
 * no-token loopback server, a JSON-RPC batch running past the per-token
 * concurrency limit, one token opening every stateful session.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { configFor } from "../support/harness.ts";
import { type HttpProcess, rawPost, startHttpProcess, toolCall } from "../support/http_harness.ts";
import {
  DEMO_TOKEN,
  demoCluster,
  type Simulator,
  startSimulator,
} from "../../src/simulator/mod.ts";

const ADMIN = "admin-token-0123456789abcdef";
const VIEWER = "viewer-token-0123456789abcdef";
const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });
const tokens = [{ name: "admin", token: ADMIN }, { name: "viewer", token: VIEWER }];

async function withHttp(
  http: Record<string, unknown>,
  fn: (s: HttpProcess, sim: Simulator) => Promise<void>,
) {
  const sim = await startSimulator({ cluster: demoCluster() });
  const srv = await startHttpProcess({ config: configFor(sim, DEMO_TOKEN, { http }) });
  try {
    await fn(srv, sim);
  } finally {
    await srv.close();
    await sim.close();
  }
}

Deno.test("no-token loopback server: only its own origin may call, not another local page", () =>
  withHttp({}, async (s, sim) => {
    const before = sim.requests.length;
    for (const origin of ["http://127.0.0.1:3000", "http://localhost:6274", "null"]) {
      const r = await rawPost(
        s.url,
        toolCall("guest_power", { action: "stop", vmid: 100, confirm: true }),
        {
          Origin: origin,
        },
      );
      assertEquals(r.status, 403, origin);
      assertStringIncludes(await r.text(), "http.allowed_origins");
    }
    const pre = await fetch(s.url, {
      method: "OPTIONS",
      headers: { Origin: "http://127.0.0.1:3000" },
    });
    assertEquals(pre.status, 403);
    await pre.body?.cancel();
    assertEquals(sim.requests.length, before, "nothing reached PVE");
    const own = await rawPost(s.url, toolCall("get_nodes"), { Origin: s.base });
    assertEquals(own.status, 200);
    await own.body?.cancel();
  }));

Deno.test("concurrency counts JSON-RPC calls: a batch larger than the limit is refused whole", () =>
  withHttp({ tokens, max_concurrency_per_token: 2 }, async (s, sim) => {
    const batch = [1, 2, 3].map((id) => toolCall("get_nodes", {}, id));
    const before = sim.requests.length;
    const r = await rawPost(s.url, batch, bearer(ADMIN));
    assertEquals(r.status, 429);
    assertStringIncludes(await r.text(), "this request carries 3");
    assertEquals(sim.requests.length, before, "no call of the batch ran");
    // One call in flight plus a batch of two is three: refused too.
    sim.setLatency(800);
    try {
      const slow = rawPost(s.url, toolCall("get_nodes", {}, 7), bearer(ADMIN));
      // Wait until the slow call holds its slot (it reached the simulator).
      while (sim.requests.length === before) await new Promise((ok) => setTimeout(ok, 20));
      const two = await rawPost(s.url, batch.slice(0, 2), bearer(ADMIN));
      assertEquals(two.status, 429);
      await two.body?.cancel();
      const other = await rawPost(s.url, toolCall("get_nodes", {}, 8), bearer(VIEWER));
      assertEquals(other.status, 200, "another token has its own budget");
      await other.body?.cancel();
      assertEquals((await slow).status, 200);
    } finally {
      sim.setLatency(0);
    }
  }));

const initialize = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "t", version: "1" },
  },
};

Deno.test("stateful sessions are capped per token: one token cannot lock the others out", () =>
  withHttp({ tokens, stateless: false, max_sessions_per_token: 2 }, async (s) => {
    const open = async (token: string) => {
      const r = await rawPost(s.url, initialize, bearer(token));
      const text = await r.text();
      return { status: r.status, id: r.headers.get("mcp-session-id"), text };
    };
    const a = await open(ADMIN);
    const b = await open(ADMIN);
    assert(a.id && b.id && a.id !== b.id, `${a.status} ${a.text}`);
    const c = await open(ADMIN);
    assertEquals(c.status, 429, c.text);
    assertStringIncludes(c.text, "http.max_sessions_per_token");
    const v = await open(VIEWER);
    assert(v.id, `the other token still gets a session: ${v.status} ${v.text}`);
    // Closing one frees its place.
    const del = await fetch(s.url, {
      method: "DELETE",
      headers: { ...bearer(ADMIN), "mcp-session-id": a.id!, "mcp-protocol-version": "2025-06-18" },
    });
    await del.body?.cancel();
    assertEquals((await open(ADMIN)).status, 200);
  }));
