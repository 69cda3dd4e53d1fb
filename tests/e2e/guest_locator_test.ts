// deno-lint-ignore-file no-explicit-any
/**
 * Per-guest actions without `node` after a recent cluster-wide read: the guest's own status
 * instead of the whole `/cluster/resources`, and a guest that moved meanwhile still found
 * (and acted on) where it really is, whatever its kind now is.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { call, type ServerUnderTest, startServer, textOf } from "../support/harness.ts";
import { demoCluster, startSimulator } from "../../src/simulator/mod.ts";
import { simActions } from "../../src/simulator/actions.ts";
import { makeGuest } from "../../src/simulator/builders.ts";
import { assertRequestsValid } from "../support/schema_check.ts";
import { mutations, requestsDuring } from "./action_support.ts";

const paths = (reqs: { method: string; path: string }[]) =>
  reqs.map((q) => `${q.method} ${q.path}`);

Deno.test("guest locator: a recent sighting is confirmed by the guest's own status", async (t) => {
  const sim = await startSimulator({ cluster: demoCluster() });
  simActions(sim.state).durationMs = 100;
  let srv: ServerUnderTest | undefined;
  try {
    srv = await startServer({ sim });
    const s = srv;
    await t.step("first action: the cluster-wide list", async () => {
      const reqs = await requestsDuring(sim, async () => {
        const r: any = await call(s, "guest_power", { action: "start", vmid: 105, dry_run: true });
        assert(!r.isError, textOf(r));
      });
      assert(paths(reqs).includes("GET /cluster/resources"));
    });

    await t.step("next one: the guest's own status, no list", async () => {
      const reqs = await requestsDuring(sim, async () => {
        const r: any = await call(s, "guest_power", { action: "start", vmid: 105, dry_run: true });
        assert(!r.isError, textOf(r));
      });
      assert(!paths(reqs).includes("GET /cluster/resources"), paths(reqs).join());
      assert(paths(reqs).includes("GET /nodes/pve2/qemu/105/status/current"));
    });

    await t.step(
      "after a get_vms listing, the first action on a listed guest reads no list",
      async () => {
        // A fresh server: no action has read the list yet, only the listing did.
        const fresh = await startServer({ sim });
        try {
          const listed: any = await call(fresh, "get_vms", { type: "lxc" });
          const ct = listed.structuredContent.guests[0];
          assert(ct, "the demo cluster has containers");
          const reqs = await requestsDuring(sim, async () => {
            const r: any = await call(fresh, "guest_power", {
              action: "start",
              vmid: ct.vmid,
              dry_run: true,
            });
            assert(!r.isError, textOf(r));
          });
          assert(!paths(reqs).includes("GET /cluster/resources"), paths(reqs).join());
          assert(
            paths(reqs).includes(`GET /nodes/${ct.node}/lxc/${ct.vmid}/status/current`),
            paths(reqs).join(),
          );
        } finally {
          await fresh.close();
        }
      },
    );

    await t.step("a wrong type from the sighting goes to the list, which names it", async () => {
      // guest_power finds the kind itself; dashboard_action is the caller that states one.
      let r: any;
      const reqs = await requestsDuring(sim, async () =>
        r = await call(s, "dashboard_action", {
          action: "start",
          vmid: 105,
          type: "lxc",
          dry_run: true,
        }));
      assert(r.isError, textOf(r));
      assert(textOf(r).includes("105 is a QEMU VM, not a container"), textOf(r));
      assert(paths(reqs).includes("GET /cluster/resources"), paths(reqs).join());
      assertEquals(mutations(reqs), []);
    });

    await t.step("moved meanwhile: the stale node is refused, the list finds it", async () => {
      sim.state.guests.get(105)!.node = "pve1";
      let r: any;
      const reqs = await requestsDuring(
        sim,
        async () => (r = await call(s, "guest_power", { action: "start", vmid: 105 })),
      );
      assert(!r.isError, textOf(r));
      const stale = reqs.find((q) => q.path === "/nodes/pve2/qemu/105/status/current");
      assertEquals(stale?.status, 500);
      assertEquals(paths(mutations(reqs)), ["POST /nodes/pve1/qemu/105/status/start"]);
      assertEquals(sim.state.guests.get(105)!.status, "running");
    });

    await t.step(
      "reused by the other kind: the stale read fails, the list finds the CT",
      async () => {
        sim.state.guests.set(
          105,
          makeGuest({ vmid: 105, type: "lxc", node: "pve1", name: "reborn", status: "stopped" }),
        );
        let r: any;
        const reqs = await requestsDuring(
          sim,
          async () => (r = await call(s, "guest_power", {
            action: "start",
            vmid: 105,
            dry_run: true,
          })),
        );
        assert(!r.isError, textOf(r));
        const stale = reqs.find((q) => q.path === "/nodes/pve1/qemu/105/status/current");
        assertEquals(stale?.status, 500);
        assert(paths(reqs).includes("GET /cluster/resources"), paths(reqs).join());
        assertEquals(r.structuredContent.target.type, "lxc");
        assertEquals(r.structuredContent.plan[0].path, "/nodes/pve1/lxc/105/status/start");
      },
    );
    assertRequestsValid(sim.requests);
  } finally {
    await srv?.close();
    await sim.close();
  }
});
