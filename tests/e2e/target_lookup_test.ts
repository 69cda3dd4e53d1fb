/**
 * Finding an action's guest: with `node` given, the guest's own status is read (a small
 * answer on any cluster size) and the same safety checks apply; without it, or when that
 * read fails, the cluster-wide list decides and names the problem.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { call, startServer, textOf } from "../support/harness.ts";
import { demoCluster, startSimulator } from "../../src/simulator/mod.ts";
import { assertRequestsValid } from "../support/schema_check.ts";

Deno.test("guest lookup: direct with node, cluster-wide otherwise, same checks", async (t) => {
  const sim = await startSimulator({ cluster: demoCluster() });
  const srv = await startServer({ sim });
  const vm = [...sim.state.guests.values()].find((g) =>
    g.type === "qemu" && g.status === "running" && !g.template && !g.lock &&
    sim.state.nodes.get(g.node)?.online
  )!;
  const other = [...sim.state.nodes.values()].find((n) => n.online && n.name !== vm.node)!;
  const during = async (fn: () => Promise<unknown>) => {
    const before = sim.requests.length;
    await fn();
    return sim.requests.slice(before).map((q) => `${q.method} ${q.path}`);
  };
  try {
    await t.step("node given: the guest's own status, not the cluster list", async () => {
      let r!: Awaited<ReturnType<typeof call>>;
      const sent = await during(async () => {
        r = await call(srv, "guest_power", {
          action: "stop",
          vmid: vm.vmid,
          node: vm.node,
          dry_run: true,
        });
      });
      assert(!r.isError, textOf(r));
      // guest_power serves both kinds: with the node known, both kinds' own status in one
      // round trip (the container read fails: VMIDs are unique), never the cluster list.
      assertEquals(sent.sort(), [
        `GET /nodes/${vm.node}/lxc/${vm.vmid}/status/current`,
        `GET /nodes/${vm.node}/qemu/${vm.vmid}/status/current`,
      ]);
      assertStringIncludes(textOf(r), "goes from running to stopped");
    });

    await t.step("wrong node: falls back and names the real one", async () => {
      const r = await call(srv, "guest_power", {
        action: "start",
        vmid: vm.vmid,
        node: other.name,
      });
      assert(r.isError);
      assertStringIncludes(textOf(r), `is on node ${vm.node}, not ${other.name}`);
    });

    await t.step("a protected tag is honoured on the direct path too", async () => {
      vm.tags = vm.tags ? `${vm.tags};protected` : "protected";
      const before = sim.requests.filter((q) => q.method !== "GET").length;
      const r = await call(srv, "guest_power", {
        action: "stop",
        vmid: vm.vmid,
        node: vm.node,
        confirm: true,
      });
      assert(r.isError);
      assertStringIncludes(textOf(r), "protected");
      assertEquals(sim.requests.filter((q) => q.method !== "GET").length, before);
    });

    await t.step("every request matched the official schema", () => {
      assertRequestsValid(sim.requests);
    });
  } finally {
    await srv.close();
    await sim.close();
  }
});
