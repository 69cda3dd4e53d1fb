// Structured results are read field by field here; typing each nested shape adds nothing.
// deno-lint-ignore-file no-explicit-any
/**
 * Snapshots end to end: the tree as PVE lists it, create / rollback / delete
 * with the simulator's state after each, name validation, wrong states,
 * protection flag, a token without VM.Snapshot, and the audit lines.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { call, type ServerUnderTest, startServer, textOf } from "../support/harness.ts";
import { DEMO_TOKEN, demoCluster, startSimulator, tokenWithRole } from "../../src/simulator/mod.ts";
import { simActions } from "../../src/simulator/actions.ts";
import { assertRequestsValid } from "../support/schema_check.ts";
import { auditLines, mutations, requestsDuring } from "./action_support.ts";

const VMUSER = tokenWithRole("PVEVMUser", { tokenid: "vmuser" });

Deno.test("snapshot tools over stdio", async (t) => {
  const sim = await startSimulator({ cluster: demoCluster(), tokens: [DEMO_TOKEN, VMUSER] });
  simActions(sim.state).durationMs = 100;
  const dir = await Deno.makeTempDir({ prefix: "pmcp-snap-" });
  const auditFile = `${dir}/audit.jsonl`;
  let srv: ServerUnderTest | undefined;
  let user: ServerUnderTest | undefined;
  try {
    srv = await startServer({ sim, config: { audit: { file: auditFile } } });
    const s = srv;
    const vm = sim.state.guests.get(100)!;

    await t.step("list_snapshots: the tree, current state under its parent", async () => {
      const r: any = await call(s, "list_snapshots", { vmid: 100 });
      assert(!r.isError, textOf(r));
      const out = r.structuredContent;
      assertEquals(out.node, vm.node);
      assertEquals(out.snapshots.map((x: any) => [x.name, x.parent, x.depth]), [
        ...vm.snapshots.map((x) => [x.name, x.parent ?? null, x.parent ? 1 : 0]),
      ]);
      assertEquals(out.snapshots[0].children, ["after_upgrade"]);
      assertEquals(out.current.parent, vm.config.parent);
      assertEquals(out.snapshots[1].vmstate, true);
      assertStringIncludes(textOf(r), "current (you are here)");
    });

    await t.step("create with RAM: new child of the current parent", async () => {
      let r: any;
      const reqs = await requestsDuring(
        sim,
        async () =>
          r = await call(s, "guest_snapshot", {
            action: "create",
            vmid: 100,
            snapname: "pre_kernel",
            description: "before kernel 6.14",
            vmstate: true,
          }),
      );
      assert(!r.isError, textOf(r));
      assertEquals(mutations(reqs).map((q) => [q.method, q.path, q.params]), [[
        "POST",
        "/nodes/pve1/qemu/100/snapshot",
        { snapname: "pre_kernel", description: "before kernel 6.14", vmstate: "1" },
      ]]);
      const snap = vm.snapshots.find((x) => x.name === "pre_kernel")!;
      assertEquals([snap.parent, snap.vmstate, snap.description], [
        "after_upgrade",
        1,
        "before kernel 6.14",
      ]);
      assertEquals(vm.config.parent, "pre_kernel");
      assertEquals(vm.lock, undefined, "the snapshot lock is released");
      assert(r.structuredContent.log.some((l: string) => l.includes("saving VM state")));
      const line = (await auditLines(auditFile)).at(-1);
      assertEquals([line.tool, line.outcome, line.args.snapname], [
        "guest_snapshot",
        "ok",
        "pre_kernel",
      ]);
    });

    await t.step("names as PVE validates them; a used name is refused before sending", async () => {
      for (const bad of ["1abc", "a", "has space", "current", "x".repeat(41)]) {
        const r: any = await call(s, "guest_snapshot", {
          action: "create",
          vmid: 100,
          snapname: bad,
        });
        assert(r.isError, bad);
        assertStringIncludes(textOf(r), "snapname", bad);
      }
      let r: any;
      const reqs = await requestsDuring(
        sim,
        async () => (r = await call(s, "guest_snapshot", {
          action: "create",
          vmid: 100,
          snapname: "pre_upgrade",
        })),
      );
      assert(r.isError);
      assertStringIncludes(textOf(r), 'already has a snapshot named "pre_upgrade"');
      assertEquals(mutations(reqs), []);
    });

    await t.step(
      "rollback: needs confirmation; then the VM is at the snapshot",
      async () => {
        let r: any = await call(s, "guest_snapshot", {
          action: "rollback",
          vmid: 100,
          snapname: "pre_upgrade",
        });
        assert(r.isError);
        assertStringIncludes(textOf(r), "confirm: true");
        r = await call(s, "guest_snapshot", {
          action: "rollback",
          vmid: 100,
          snapname: "pre_upgrade",
          confirm: true,
        });
        assert(!r.isError, textOf(r));
        assertEquals(vm.config.parent, "pre_upgrade");
        assertEquals(vm.status, "stopped", "no RAM in pre_upgrade: the VM ends stopped");
        assertStringIncludes(r.structuredContent.upid, ":qmrollback:100:");
        r = await call(s, "guest_snapshot", {
          action: "rollback",
          vmid: 100,
          snapname: "nope",
          confirm: true,
        });
        assert(r.isError);
        assertStringIncludes(textOf(r), "it has: pre_upgrade, after_upgrade, pre_kernel");
      },
    );

    await t.step("delete: children move up; missing name refused", async () => {
      const r: any = await call(s, "guest_snapshot", {
        action: "delete",
        vmid: 100,
        snapname: "after_upgrade",
        confirm: true,
      });
      assert(!r.isError, textOf(r));
      assertEquals(vm.snapshots.map((x) => x.name), ["pre_upgrade", "pre_kernel"]);
      assertEquals(vm.snapshots.find((x) => x.name === "pre_kernel")!.parent, "pre_upgrade");
      const again: any = await call(s, "guest_snapshot", {
        action: "delete",
        vmid: 100,
        snapname: "after_upgrade",
        confirm: true,
      });
      assert(again.isError);
      assertStringIncludes(textOf(again), 'no snapshot "after_upgrade"');
    });

    await t.step("PVE's protection flag refuses deletion", async () => {
      vm.config.protection = 1;
      let r: any;
      const reqs = await requestsDuring(
        sim,
        async () =>
          r = await call(s, "guest_snapshot", {
            action: "delete",
            vmid: 100,
            snapname: "pre_kernel",
            confirm: true,
          }),
      );
      assert(r.isError);
      assertStringIncludes(textOf(r), "qm set 100 --protection 0");
      assertEquals(mutations(reqs), []);
      delete vm.config.protection;
    });

    await t.step("containers: create, no RAM state, rollback with start", async () => {
      const ct = sim.state.guests.get(200)!;
      let r: any = await call(s, "guest_snapshot", {
        action: "create",
        vmid: 200,
        snapname: "pre",
        vmstate: true,
      });
      assert(r.isError);
      assertStringIncludes(textOf(r), "containers have no RAM state");
      r = await call(s, "guest_snapshot", { action: "create", vmid: 200, snapname: "pre" });
      assert(!r.isError, textOf(r));
      assertStringIncludes(r.structuredContent.upid, ":vzsnapshot:200:");
      assertEquals(ct.snapshots.find((x) => x.name === "pre")!.parent, "clean");
      r = await call(s, "guest_snapshot", {
        action: "rollback",
        vmid: 200,
        snapname: "clean",
        start: true,
        confirm: true,
      });
      assert(!r.isError, textOf(r));
      assertEquals([ct.config.parent, ct.status], ["clean", "running"]);
    });

    await t.step("locked guest and failing task", async () => {
      let r: any = await call(s, "guest_snapshot", { action: "create", vmid: 102, snapname: "x1" });
      assert(r.isError);
      assertStringIncludes(textOf(r), "locked (backup)");
      simActions(sim.state).next.push({ exitstatus: "snapshot feature is not available" });
      r = await call(s, "guest_snapshot", { action: "create", vmid: 105, snapname: "x1" });
      assert(r.isError);
      assertStringIncludes(textOf(r), "snapshot feature is not available");
      const line = (await auditLines(auditFile)).at(-1);
      assertEquals([line.outcome, line.exitstatus], ["error", "snapshot feature is not available"]);
    });

    await t.step("a token without VM.Snapshot is refused before anything is sent", async () => {
      // Listed despite the missing privilege, so the call reaches the pre-send check.
      user = await startServer({
        sim,
        token: VMUSER,
        config: { tools: { hide_unpermitted: false } },
      });
      const sent = sim.requests.filter((q) => q.method !== "GET").length;
      const r: any = await call(user, "guest_snapshot", {
        action: "create",
        vmid: 105,
        snapname: "x2",
      });
      assert(r.isError);
      assertStringIncludes(textOf(r), "VM.Snapshot");
      assertStringIncludes(textOf(r), "/vms/105");
      assertStringIncludes(textOf(r), "pveum acl modify /vms/105");
      assertEquals(sim.requests.filter((q) => q.method !== "GET").length, sent, "nothing sent");
      assert(!sim.state.guests.get(105)!.snapshots.some((x) => x.name === "x2"));
    });

    await t.step("tools/list: one snapshot-changing tool, old names hidden", async () => {
      const { tools } = await s.client.listTools();
      const tool = tools.find((x) => x.name === "guest_snapshot");
      assert(tool, "guest_snapshot is listed");
      assertEquals(tool.annotations, {
        readOnlyHint: false,
        destructiveHint: true,
        idempotentHint: false,
        openWorldHint: false,
      });
      assertEquals((tool.inputSchema as any).properties.action.enum, [
        "create",
        "rollback",
        "delete",
      ]);
      for (const old of ["create_snapshot", "rollback_snapshot", "delete_snapshot"]) {
        assert(!tools.some((x) => x.name === old), `${old} is hidden`);
      }
    });

    await t.step("actions by their synonyms: take, Revert, remove", async () => {
      const g = sim.state.guests.get(105)!;
      const cases: Array<[string, string, Record<string, unknown>]> = [
        ["take", "POST /nodes/pve2/qemu/105/snapshot", {}],
        ["Revert", "POST /nodes/pve2/qemu/105/snapshot/syn1/rollback", { confirm: true }],
        ["remove", "DELETE /nodes/pve2/qemu/105/snapshot/syn1", { confirm: true }],
      ];
      for (const [given, sent, extra] of cases) {
        let r: any;
        const reqs = await requestsDuring(sim, async () =>
          r = await call(s, "guest_snapshot", {
            action: given,
            vmid: 105,
            snapname: "syn1",
            ...extra,
          }));
        assert(!r.isError, `${given}: ${textOf(r)}`);
        assertEquals(mutations(reqs).map((q) => `${q.method} ${q.path}`), [sent], given);
      }
      assert(!g.snapshots.some((x) => x.name === "syn1"), "taken, reverted to, removed");
      const actions = (await auditLines(auditFile)).slice(-3).map((l) => l.args.action);
      assertEquals(actions, ["create", "rollback", "delete"]);
    });

    await t.step("every request matched the official schema", () => {
      assertRequestsValid(sim.requests);
    });
  } finally {
    await user?.close();
    await srv?.close();
    await sim.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
