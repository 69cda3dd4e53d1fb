/**
 * Faults around actions, end to end: a PVE task that never ends (the wait is
 * bounded and the UPID handed back), and a POST answered by 502/503, a reset
 * connection or silence: an error, and the POST reached PVE exactly once.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { call, textOf } from "../support/harness.ts";
import type { Fault } from "../../src/simulator/mod.ts";
import { simActions } from "../../src/simulator/actions.ts";
import { assertActionable, assertHealthy, during, withFaultSession } from "./helpers.ts";

Deno.test("faults: a task that never ends, and failing POSTs are never re-sent", async (t) => {
  await withFaultSession(async (sim, srv) => {
    const actions = simActions(sim.state);
    actions.durationMs = 50;
    const stoppedVm = () =>
      [...sim.state.guests.values()].find((g) =>
        g.type === "qemu" && g.status === "stopped" && !g.template && !g.lock &&
        !(g.tags ?? "").includes("protected") && sim.state.nodes.get(g.node)?.online
      )!;

    await t.step("the task never ends: the wait is bounded, the UPID is returned", async () => {
      const vm = stoppedVm();
      actions.next.push({ durationMs: Infinity });
      const started = performance.now();
      const { result: r, reqs } = await during(
        sim,
        () => call(srv, "guest_power", { action: "start", vmid: vm.vmid, timeout_s: 1 }),
      );
      const ms = performance.now() - started;
      const out = r.structuredContent as { tool: string; result: string; upid: string | null };
      // Not a failure of the action (it runs on in PVE): a report the model can follow up.
      assertEquals([out?.tool, out?.result], ["guest_power", "timeout"], textOf(r));
      assertActionable(textOf(r), ["still running", "get_task_status", out.upid!], "endless task");
      assert(out.upid?.startsWith(`UPID:${vm.node}:`), "the UPID to follow is returned");
      // guest_power finds the kind itself: the one POST is the VM's start.
      assertEquals(reqs.filter((q) => q.method === "POST").map((q) => q.path), [
        `/nodes/${vm.node}/qemu/${vm.vmid}/status/start`,
      ], "one POST");
      assert(ms < 4000, `bounded wait: ${Math.round(ms)} ms`);
      const st = await call(srv, "get_task_status", { upid: out.upid });
      assert(!st.isError, textOf(st));
      assertEquals((st.structuredContent as { status: string }).status, "running");
      await assertHealthy(srv, sim, "a task that never ends");
    });

    for (
      const fault of [
        { kind: "status", status: 503 },
        { kind: "status", status: 502 },
        { kind: "reset", at: "connect" },
        { kind: "reset", at: "body" },
        { kind: "hang" },
      ] as Fault[]
    ) {
      const label = fault.kind === "status"
        ? `${fault.status}`
        : fault.kind === "reset"
        ? `reset (${fault.at})`
        : fault.kind;
      await t.step(`POST answered by ${label}: sent once, a clear error`, async () => {
        const vm = stoppedVm();
        sim.inject({ ...fault, match: { method: "POST" } } as Fault);
        try {
          const { result: r, reqs } = await during(
            sim,
            () => call(srv, "guest_power", { action: "start", vmid: vm.vmid, timeout_s: 5 }),
          );
          assert(r.isError, `${label}: ${textOf(r)}`);
          assertActionable(textOf(r), [], `POST ${label}`);
          assertEquals(reqs.filter((q) => q.method === "POST").length, 1, `${label}: one POST`);
        } finally {
          sim.clearFaults();
        }
        await assertHealthy(srv, sim, `a failed POST (${label})`);
      });
    }
  });
});
