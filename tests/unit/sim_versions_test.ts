/**
 * The simulator's PVE-version switch (src/simulator/versions.ts), read off the wire: the status
 * line and the body as a raw HTTP/1.1 client sees them, so nothing in between rewrites them.
 */

import { assert, assertEquals, assertThrows } from "../support/assert.ts";
import {
  demoCluster,
  PVE_VERSIONS,
  pveRelease,
  ROLES,
  type SimPveVersion,
  type SimToken,
  startSimulator,
} from "../../src/simulator/mod.ts";
import { rolePrivilegesIn } from "../../src/simulator/versions.ts";

const TOKEN: SimToken = {
  user: "mcp@pve",
  tokenid: "v",
  secret: "7b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
  acl: { "/": { "VM.Audit": 1, "Pool.Audit": 1, "Sys.Audit": 1 } },
};

interface Wire {
  status: number;
  reason: string;
  body: string;
}

/** One GET over a fresh TLS connection; the answer exactly as sent. */
async function rawGet(sim: { hostname: string; port: number; caCertPem: string }, path: string) {
  const conn = await Deno.connectTls({
    hostname: sim.hostname,
    port: sim.port,
    caCerts: [sim.caCertPem],
  });
  const auth = `PVEAPIToken=${TOKEN.user}!${TOKEN.tokenid}=${TOKEN.secret}`;
  await conn.write(new TextEncoder().encode(
    `GET /api2/json${path} HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\n` +
      "Connection: close\r\n\r\n",
  ));
  const text = new TextDecoder().decode(await new Response(conn.readable).arrayBuffer());
  const [head, ...rest] = text.split("\r\n\r\n");
  const m = /^HTTP\/1\.1 (\d+) ?(.*)$/m.exec(head)!;
  return { status: Number(m[1]), reason: m[2], body: rest.join("\r\n\r\n") } satisfies Wire;
}

async function withSim(
  v: SimPveVersion,
  fn: (sim: Awaited<ReturnType<typeof startSimulator>>) => Promise<void>,
) {
  const sim = await startSimulator({ cluster: demoCluster(), tokens: [TOKEN], pveVersion: v });
  try {
    await fn(sim);
  } finally {
    await sim.close();
  }
}

for (const v of PVE_VERSIONS) {
  const r = pveRelease(v);
  Deno.test(`simulated PVE ${v}: /version, agent privilege, pools, error placement`, async () => {
    await withSim(v, async (sim) => {
      const version = JSON.parse((await rawGet(sim, "/version")).body).data;
      assertEquals([version.release, version.version], [v, r.version]);
      const node = JSON.parse((await rawGet(sim, "/nodes/pve1/status")).body).data;
      assertEquals(node.pveversion.split("/")[1], r.version);

      // The token has neither agent privilege: PVE names the one its release checks.
      const agent = await rawGet(sim, "/nodes/pve1/qemu/100/agent/network-get-interfaces");
      assertEquals(agent.status, 403);
      const want = r.guestAgentPrivileges
        ? "Permission check failed (/vms/100, VM.GuestAgent.Audit|VM.GuestAgent.Unrestricted)"
        : "Permission check failed (/vms/100, VM.Monitor)";
      assertEquals(agent.reason, want);
      // Before 8.3 the text is on the status line only.
      const body = JSON.parse(agent.body);
      assertEquals(body.data, null);
      assertEquals(body.message, r.errorInBody ? `${want}\n` : undefined);

      const query = await rawGet(sim, "/pools?poolid=production");
      const byPath = await rawGet(sim, "/pools/production");
      assertEquals(byPath.status, 200, "the per-pool path answers on every release");
      const wanted = [...sim.state.guests.values()].filter((g) => g.pool === "production")
        .map((g) => g.vmid).sort((a, b) => a - b);
      assert(wanted.length > 0);
      const members = (d: { members: { vmid: number }[] }) => d.members.map((m) => m.vmid);
      assertEquals(members(JSON.parse(byPath.body).data), wanted);
      if (r.poolQuery) {
        assertEquals(query.status, 200);
        assertEquals(members(JSON.parse(query.body).data[0]), wanted);
      } else {
        assertEquals([query.status, query.reason], [400, "Parameter verification failed."]);
        assert(JSON.parse(query.body).errors.poolid.includes("not defined in schema"));
      }
    });
  });
}

Deno.test("simulated releases: an unknown version is refused, naming the choices", () => {
  const e = assertThrows(() => pveRelease("8.3"), Error);
  assertEquals(
    e.message,
    'pveVersion "8.3" is not simulated: use one of 7.4, 8.0, 8.2, 8.4, 9.0, 9.1',
  );
});

Deno.test("built-in roles before 9.0 hold VM.Monitor instead of the agent privileges", () => {
  const old = pveRelease("8.4");
  const vmAdmin = rolePrivilegesIn(old, ROLES.PVEVMAdmin);
  assert(vmAdmin.includes("VM.Monitor"));
  assert(!vmAdmin.some((p) => p.startsWith("VM.GuestAgent.")));
  assertEquals(rolePrivilegesIn(old, ROLES.PVEVMUser).includes("VM.Monitor"), false);
  assertEquals(rolePrivilegesIn(pveRelease("9.1"), ROLES.PVEVMAdmin), [...ROLES.PVEVMAdmin]);
});
