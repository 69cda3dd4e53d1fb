/**
 * A mutation is sent once, whatever the connection does. The trap: Deno's fetch
 * and node:https both re-send a request by themselves when a *reused* keep-alive
 * connection drops before the answer (denoland/deno#35610, #36786), so a POST
 * that PVE already ran would run twice. The transport sends mutations on fresh
 * connections; GETs keep the pool (re-sending a read is harmless).
 *
 * In-process (the PVE client against the simulator): the lifecycle tools drive
 * these same client calls; this pins the transport underneath them.
 */

import { assert, assertEquals, assertRejects } from "../support/assert.ts";
import { demoCluster, type Simulator, startSimulator } from "../../src/simulator/mod.ts";
import { PveClient } from "../../src/proxmox/client.ts";
import { createTransport } from "../../src/proxmox/transport.ts";
import { PveError } from "../../src/proxmox/errors.ts";
import { DEMO_TOKEN } from "../../src/simulator/mod.ts";

function clientFor(sim: Simulator, verifyTls: boolean): PveClient {
  return new PveClient({
    baseUrl: sim.url,
    tokenId: `${DEMO_TOKEN.user}!${DEMO_TOKEN.tokenid}`,
    secret: DEMO_TOKEN.secret,
    transport: createTransport({ verifyTls, caCerts: verifyTls ? [sim.caCertPem] : [] }),
    timeoutMs: 5000,
    backoffMs: 1,
  });
}

for (const verifyTls of [true, false]) {
  const which = verifyTls ? "fetch transport" : "node:https transport (verify_ssl: false)";
  Deno.test(`${which}: a POST whose connection drops is sent exactly once`, async () => {
    const sim = await startSimulator({ cluster: demoCluster() });
    const pve = clientFor(sim, verifyTls);
    try {
      const vm = [...sim.state.guests.values()].find((g) =>
        g.type === "qemu" && g.status === "stopped" && !g.template &&
        sim.state.nodes.get(g.node)?.online
      )!;
      const params = { node: vm.node, vmid: vm.vmid };
      const template = "/nodes/{node}/qemu/{vmid}/status/start";
      for (const at of ["connect", "body"] as const) {
        // Warm the pool so a keep-alive connection is there to be reused.
        await pve.get("/version");
        await pve.get("/nodes");
        const before = sim.requests.length;
        sim.inject({ kind: "reset", at, match: { method: "POST" } });
        const err = await assertRejects(() => pve.post(template, params), PveError);
        sim.clearFaults();
        assertEquals(err.kind, "network", `reset at ${at}`);
        const posts = sim.requests.slice(before).filter((q) => q.method === "POST");
        assertEquals(posts.length, 1, `reset at ${at}: the POST must reach PVE exactly once`);
      }
      // And the client still works afterwards (GET on the pool, POST on a fresh connection).
      const nodes = await pve.get<unknown[]>("/nodes");
      assertEquals(nodes.length, sim.state.nodes.size);
      const before = sim.requests.length;
      sim.inject({ kind: "status", status: 503, match: { method: "POST" } });
      await assertRejects(() => pve.post(template, params), PveError);
      sim.clearFaults();
      assertEquals(
        sim.requests.slice(before).filter((q) => q.method === "POST").length,
        1,
        "a 503 on a POST is not retried",
      );
      const upid = await pve.post<string>(template, params);
      assert(upid.startsWith(`UPID:${vm.node}:`), upid);
    } finally {
      pve.close();
      await sim.close();
    }
  });
}
