/**
 * A hostile or broken PVE: an answer far larger than any real one, and one
 * that never ends. Over every transport the server uses (fetch, node:https
 * with the cluster CA, node:https without verification) reading stops at
 * `maxAnswerBytes` with a clear error, and neither case is sent again. (A
 * timeout is never retried either: kind "timeout" is not retryable, see
 * client_test.ts.)
 */

import { assertEquals, assertRejects, assertStringIncludes } from "../support/assert.ts";
import { PveClient } from "../../src/proxmox/client.ts";
import { PveError } from "../../src/proxmox/errors.ts";
import { createTransport, fetchTransport, type Transport } from "../../src/proxmox/transport.ts";
import { DEMO_TOKEN, type Simulator, startSimulator } from "../../src/simulator/mod.ts";

const CAP = 1024 * 1024;

const transports: Record<string, (sim: Simulator) => Transport> = {
  "fetch": (sim) => fetchTransport([sim.caCertPem], CAP),
  "node:https with the CA": (sim) =>
    createTransport({ verifyTls: true, caCerts: [sim.caCertPem], maxAnswerBytes: CAP }),
  "node:https unverified": () =>
    createTransport({ verifyTls: false, caCerts: [], maxAnswerBytes: CAP }),
};

function clientFor(sim: Simulator, transport: Transport, timeoutMs = 30_000) {
  return new PveClient({
    baseUrl: sim.url,
    tokenId: `${DEMO_TOKEN.user}!${DEMO_TOKEN.tokenid}`,
    secret: DEMO_TOKEN.secret,
    transport,
    timeoutMs,
    retries: 3,
    backoffMs: 1,
  });
}

for (const [name, make] of Object.entries(transports)) {
  Deno.test(`${name}: a 64 MiB answer stops at the cap, once, and the client still works`, async () => {
    const sim = await startSimulator();
    const transport = make(sim);
    try {
      sim.inject({ kind: "huge", bytes: 64 * 1024 * 1024, match: { path: "/nodes" }, times: 5 });
      const pve = clientFor(sim, transport);
      const e = await assertRejects(() => pve.get("/nodes"), PveError);
      assertEquals(e.kind, "bad-response");
      assertStringIncludes(e.message, `larger than ${CAP} bytes (proxmox.max_answer_bytes)`);
      assertEquals(sim.requests.filter((r) => r.path === "/nodes").length, 1, "not retried");
      sim.clearFaults();
      assertEquals(((await pve.get("/version")) as { version: string }).version.length > 0, true);
    } finally {
      transport.close();
      await sim.close();
    }
  });

  Deno.test(`${name}: an endless answer ends at the cap (or the timeout), never retried`, async () => {
    const sim = await startSimulator();
    const transport = make(sim);
    try {
      sim.inject({ kind: "endless", match: { path: "/cluster/resources" }, times: 5 });
      const pve = clientFor(sim, transport, 2000);
      const e = await assertRejects(() => pve.get("/cluster/resources"), PveError);
      assertEquals(["bad-response", "timeout"].includes(e.kind), true, e.message);
      assertEquals(sim.requests.filter((r) => r.path === "/cluster/resources").length, 1);
    } finally {
      transport.close();
      await sim.close();
    }
  });
}

Deno.test("a GET that times out is not sent again, even with retries configured", async () => {
  const sim = await startSimulator();
  const transport = createTransport({ verifyTls: true, caCerts: [sim.caCertPem] });
  try {
    const pve = clientFor(sim, transport, 1000);
    // First a call that leaves a pooled keep-alive socket: node:https's own signal handling
    // did not end a request waiting on one (the call hung for ever).
    await pve.get("/version");
    sim.inject({ kind: "hang", match: { path: "/nodes" }, times: 5 });
    const cancel = new AbortController(); // a caller's signal too, as every tool call has
    const e = await assertRejects(() => pve.get("/nodes", {}, { signal: cancel.signal }), PveError);
    assertEquals(e.kind, "timeout", e.message);
    assertEquals(sim.requests.filter((r) => r.path === "/nodes").length, 1);
  } finally {
    transport.close();
    await sim.close();
  }
});

// PVE gzips answers over 1 KiB for clients that accept it (pve-http-server); both transports
// ask for it, so the bound must hold for what an answer inflates to, not what was sent.
for (const [name, make] of Object.entries(transports)) {
  Deno.test(`${name}: gzipped answers inflate, a gzip bomb stops at the cap, bad gzip is named`, async () => {
    const sim = await startSimulator();
    const transport = make(sim);
    try {
      const pve = clientFor(sim, transport);
      const before = sim.requests.length;
      const rows = await pve.get("/cluster/resources") as unknown[];
      assertEquals(rows.length > 10, true, "a listing over 1 KiB, read whole");
      assertEquals(sim.requests.length - before, 1);
      sim.inject({ kind: "gzip-bomb", bytes: 8 * CAP, match: { path: "/nodes" } });
      const e = await assertRejects(() => pve.get("/nodes"), PveError);
      assertEquals(e.kind, "bad-response");
      assertStringIncludes(e.message, `larger than ${CAP} bytes (proxmox.max_answer_bytes)`);
      sim.inject({ kind: "bad-gzip", match: { path: "/nodes" } });
      const bad = await assertRejects(() => pve.get("/nodes"), PveError);
      assertEquals(bad.kind, "bad-response");
      sim.clearFaults();
      assertEquals(((await pve.get("/nodes")) as unknown[]).length > 0, true);
    } finally {
      transport.close();
      await sim.close();
    }
  });
}
