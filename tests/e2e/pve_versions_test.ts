// Structured results are read field by field here; typing each nested shape adds nothing.
// deno-lint-ignore-file no-explicit-any
/**
 * The PVE-version matrix: for each release the simulator plays (src/simulator/versions.ts),
 * the real server over stdio runs the read paths and an action path with a token as an admin
 * of that release would create it (`VM.Monitor` before 9.0, `VM.GuestAgent.Audit` from 9.0),
 * and the version-specific behaviour is checked: agent privileges by their release's name,
 * pool members on every release, error texts that live only on the status line before 8.3.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { call, type ServerUnderTest, startServer, textOf } from "../support/harness.ts";
import {
  demoCluster,
  pveRelease,
  type SimPveVersion,
  type SimToken,
  startSimulator,
} from "../../src/simulator/mod.ts";
import { simActions } from "../../src/simulator/actions.ts";
import { assertRequestsValid } from "../support/schema_check.ts";
import { mutations, requestsDuring } from "./action_support.ts";

const MATRIX: SimPveVersion[] = ["7.4", "8.2", "8.4", "9.1"];
const BASE = ["VM.Audit", "Sys.Audit", "Datastore.Audit", "Pool.Audit", "VM.PowerMgmt"];

/** A token holding the base privileges plus `extra`, on `/`, propagated. */
function tokenWith(extra: string[]): SimToken {
  return {
    user: "mcp@pve",
    tokenid: "matrix",
    secret: "0e6a2f4c-5b1d-4c8e-9a7f-3d2c1b0a9e8f",
    acl: { "/": Object.fromEntries([...BASE, ...extra].map((p) => [p, 1 as const])) },
  };
}

/** The agent privilege an admin of `v` grants for reading guest addresses. */
const agentPriv = (v: SimPveVersion) =>
  pveRelease(v).guestAgentPrivileges ? "VM.GuestAgent.Audit" : "VM.Monitor";
/** The one of the other era, which `v` does not check. */
const otherEraPriv = (v: SimPveVersion) =>
  pveRelease(v).guestAgentPrivileges ? "VM.Monitor" : "VM.GuestAgent.Audit";

for (const v of MATRIX) {
  Deno.test(`PVE ${v}: read and action paths with that release's privileges`, async (t) => {
    const release = pveRelease(v);
    const token = tokenWith([agentPriv(v)]);
    const sim = await startSimulator({ cluster: demoCluster(), tokens: [token], pveVersion: v });
    simActions(sim.state).durationMs = 100;
    let srv: ServerUnderTest | undefined;
    try {
      srv = await startServer({ sim, token });
      const s = srv;

      await t.step("get_nodes: every node, /version read once", async () => {
        const r: any = await call(s, "get_nodes");
        assert(!r.isError, textOf(r));
        const names = r.structuredContent.nodes.map((n: any) => n.node).sort();
        assertEquals(names, [...sim.state.nodes.keys()].sort());
        const probes = sim.requests.filter((q) => q.path === "/version");
        assert(probes.length <= 1, `one /version read, saw ${probes.length}`);
      });

      await t.step("get_vms: every guest of the model, with its kind", async () => {
        const r: any = await call(s, "get_vms", { limit: 1000 });
        assert(!r.isError, textOf(r));
        const want = [...sim.state.guests.values()].map((g) => [g.vmid, g.type])
          .sort((a, b) => (a[0] as number) - (b[0] as number));
        const got = r.structuredContent.guests.map((x: any) => [x.vmid, x.type]);
        assertEquals(got, want);
      });

      await t.step("get_storage: every storage of the model, none failing", async () => {
        const r: any = await call(s, "get_storage");
        assert(!r.isError, textOf(r));
        const ids = new Set(r.structuredContent.storages.map((x: any) => x.storage));
        for (const id of sim.state.storages.keys()) assert(ids.has(id), `${id} listed`);
      });

      await t.step(`get_guest_ips works with ${agentPriv(v)}`, async () => {
        let r: any;
        const reqs = await requestsDuring(
          sim,
          async () => (r = await call(s, "get_guest_ips", { node: "pve1", vmid: 100 })),
        );
        assert(!r.isError, textOf(r));
        assert(r.structuredContent.addresses.length > 0, "addresses found");
        const agent = reqs.find((q) => q.path.endsWith("/agent/network-get-interfaces"));
        assertEquals(agent?.status, 200);
      });

      await t.step("a 500 reason reaches the user (status line only before 8.3)", async () => {
        const g = sim.state.guests.get(101)!;
        assertEquals(g.status, "running");
        g.agent = { ...g.agent!, running: false };
        try {
          const r: any = await call(s, "get_guest_ips", { node: "pve1", vmid: 101 });
          assert(r.isError);
          assertStringIncludes(textOf(r), "QEMU guest agent is not running");
          assertEquals(
            sim.requests.findLast((q) => q.path.endsWith("/network-get-interfaces"))?.status,
            500,
          );
        } finally {
          g.agent = { ...g.agent!, running: true };
        }
      });

      await t.step("get_pools: members of every pool, by the release's endpoint", async () => {
        let r: any;
        const reqs = await requestsDuring(sim, async () => (r = await call(s, "get_pools")));
        assert(!r.isError, textOf(r));
        for (const p of sim.state.pools.keys()) {
          const want = [...sim.state.guests.values()].filter((g) => g.pool === p)
            .map((g) => g.vmid).sort((a, b) => a - b);
          const pool = r.structuredContent.pools.find((x: any) => x.poolid === p);
          const got = pool.members.map((m: any) => m.vmid).sort((a: any, b: any) => a - b);
          assertEquals(got, want, p);
        }
        // Each pool read once, the way its release serves members: no refused first try.
        const reads = reqs.filter((q) => q.path.startsWith("/pools"));
        assert(reads.every((q) => q.status === 200), reads.map((q) => q.status).join());
        const detail = reads.filter((q) => q.path !== "/pools" || "poolid" in q.params);
        assertEquals(detail.length, sim.state.pools.size);
        assertEquals(detail.every((q) => q.path.startsWith("/pools/")), !release.poolQuery);
      });

      await t.step("get_task_status: a finished task's exit status", async () => {
        const task = sim.state.tasks.list().find((x) => x.exitstatus && x.exitstatus !== "OK")!;
        const r: any = await call(s, "get_task_status", { upid: task.upid });
        assert(!r.isError, textOf(r));
        assertEquals(r.structuredContent.exitstatus, task.exitstatus);
      });

      await t.step("guest_power start / stop with dry_run send nothing", async () => {
        const reqs = await requestsDuring(sim, async () => {
          const a: any = await call(s, "guest_power", {
            action: "start",
            vmid: 105,
            dry_run: true,
          });
          assert(!a.isError, textOf(a));
          const b: any = await call(s, "guest_power", {
            action: "stop",
            vmid: 100,
            dry_run: true,
            confirm: true,
          });
          assert(!b.isError, textOf(b));
        });
        assertEquals(mutations(reqs).length, 0);
        assertEquals(sim.state.guests.get(105)!.status, "stopped");
        assertEquals(sim.state.guests.get(100)!.status, "running");
      });

      await t.step("a 403 text reaches the user (status line only before 8.3)", async () => {
        // Revoked after the server read its permissions: the server still sends, PVE refuses.
        delete token.acl["/"]["VM.PowerMgmt"];
        try {
          let r: any;
          const reqs = await requestsDuring(
            sim,
            async () => (r = await call(s, "guest_power", { action: "start", vmid: 105 })),
          );
          assert(r.isError);
          const refused = reqs.find((q) => q.method === "POST");
          assertEquals(refused?.status, 403, "PVE itself refused");
          // Path and privilege come from PVE's text alone (the status line before 8.3).
          assertStringIncludes(textOf(r), "lacks VM.PowerMgmt on /vms/105");
        } finally {
          token.acl["/"]["VM.PowerMgmt"] = 1;
        }
      });

      await t.step("guest_power start: one real start", async () => {
        let r: any;
        const reqs = await requestsDuring(
          sim,
          async () => (r = await call(s, "guest_power", { action: "start", vmid: 105 })),
        );
        assert(!r.isError, textOf(r));
        assertEquals(mutations(reqs).map((q) => `${q.method} ${q.path}`), [
          "POST /nodes/pve2/qemu/105/status/start",
        ]);
        assertEquals(sim.state.guests.get(105)!.status, "running");
      });

      assertRequestsValid(sim.requests);
    } finally {
      await srv?.close();
      await sim.close();
    }
  });

  Deno.test(`PVE ${v}: ${otherEraPriv(v)} alone does not open the agent`, async () => {
    const token = tokenWith([otherEraPriv(v)]);
    const sim = await startSimulator({ cluster: demoCluster(), tokens: [token], pveVersion: v });
    let srv: ServerUnderTest | undefined;
    try {
      srv = await startServer({ sim, token });
      let r: any;
      const reqs = await requestsDuring(
        sim,
        async () => (r = await call(srv!, "get_guest_ips", { node: "pve1", vmid: 100 })),
      );
      assert(r.isError, textOf(r));
      assertStringIncludes(textOf(r), agentPriv(v));
      assert(!reqs.some((q) => q.path.includes("/agent/")), "refused before sending");
    } finally {
      await srv?.close();
      await sim.close();
    }
  });
}
