// Structured results are read field by field here; typing each nested shape adds nothing.
// deno-lint-ignore-file no-explicit-any
/**
 * Safety snapshots end to end: `safety.snapshot_before` and the per-call
 * `safety_snapshot: true` snapshot the guest first (`mcp-pre-<action>-<time>`),
 * wait for it, then act, and the answer says how to roll back; a guest on a
 * storage that cannot snapshot (thick LVM in the simulator) is refused with
 * nothing sent, and PVE itself (the simulator) fails such a snapshot.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { call, type ServerUnderTest, startServer, textOf } from "../support/harness.ts";
import { demoCluster, startSimulator } from "../../src/simulator/mod.ts";
import { simActions } from "../../src/simulator/actions.ts";
import { addNoSnapshotGuest, NO_SNAPSHOT } from "../../src/simulator/snapshot_storage.ts";
import { assertRequestsValid } from "../support/schema_check.ts";
import { auditLines, mutations, requestsDuring } from "./action_support.ts";

const NAME_RE = /^mcp-pre-([a-z_]+)-(\d{8})-(\d{6})$/;

Deno.test("safety snapshots: configured and per call, rollback hint, refusal on a storage without snapshots", async (t) => {
  const sim = await startSimulator({ cluster: demoCluster() });
  simActions(sim.state).durationMs = 80;
  addNoSnapshotGuest(sim.state, 150);
  const dir = await Deno.makeTempDir({ prefix: "pmcp-safety-" });
  const auditFile = `${dir}/audit.jsonl`;
  let srv: ServerUnderTest | undefined;
  try {
    srv = await startServer({
      sim,
      config: {
        audit: { file: auditFile },
        safety: { snapshot_before: ["rollback", "execute_vm_command"] },
        console: { enabled: true },
      },
    });
    const s = srv;

    await t.step(
      "configured (rollback): snapshot first, then the rollback; how to undo",
      async () => {
        const before = sim.state.guests.get(100)!.snapshots.map((x) => x.name);
        let r: any;
        const reqs = await requestsDuring(sim, async () => {
          r = await call(s, "guest_snapshot", {
            action: "rollback",
            vmid: 100,
            snapname: "pre_upgrade",
            confirm: true,
            start: true,
          });
        });
        assert(!r.isError, textOf(r));
        const sc = r.structuredContent;
        assertEquals(sc.result, "done");
        const m = NAME_RE.exec(sc.safety_snapshot?.name ?? "");
        assert(m, `snapshot name ${sc.safety_snapshot?.name}`);
        assertEquals(m[1], "rollback");
        assertEquals(m[2], new Date().toISOString().slice(0, 10).replaceAll("-", ""));
        assert(sc.safety_snapshot.name.length <= 40);
        const now = sim.state.guests.get(100)!.snapshots.map((x) => x.name);
        assertEquals(now, [...before, sc.safety_snapshot.name]);
        assertEquals(
          mutations(reqs).map((q) => `${q.method} ${q.path}`),
          [
            "POST /nodes/pve1/qemu/100/snapshot",
            "POST /nodes/pve1/qemu/100/snapshot/pre_upgrade/rollback",
          ],
          "the snapshot, then the action, each once",
        );
        assertStringIncludes(
          textOf(r),
          `To undo: guest_snapshot action rollback, vmid 100, snapname "${sc.safety_snapshot.name}"`,
        );
        assertRequestsValid(reqs);
      },
    );

    await t.step("per call: safety_snapshot: true before a stop", async () => {
      let r: any;
      const reqs = await requestsDuring(sim, async () => {
        r = await call(s, "guest_power", {
          action: "stop",
          vmid: 101,
          confirm: true,
          safety_snapshot: true,
        });
      });
      assert(!r.isError, textOf(r));
      assertEquals(NAME_RE.exec(r.structuredContent.safety_snapshot.name)?.[1], "stop");
      assertEquals(mutations(reqs).length, 2);
      assertEquals(sim.state.guests.get(101)!.status, "stopped");
      assert(sim.state.guests.get(101)!.snapshots.some((x) => x.name.startsWith("mcp-pre-stop-")));
    });

    await t.step("safety_snapshot: false overrides the configuration", async () => {
      const reqs = await requestsDuring(sim, async () => {
        const r: any = await call(s, "guest_snapshot", {
          action: "rollback",
          vmid: 200,
          snapname: "clean",
          confirm: true,
          safety_snapshot: false,
        });
        assert(!r.isError, textOf(r));
        assertEquals(r.structuredContent.safety_snapshot, undefined);
      });
      assertEquals(mutations(reqs).length, 1);
    });

    await t.step(
      "storage without snapshots: refused, nothing sent; the dry run says so",
      async () => {
        const reqs = await requestsDuring(sim, async () => {
          const r: any = await call(s, "guest_power", {
            action: "stop",
            vmid: 150,
            confirm: true,
            safety_snapshot: true,
          });
          assert(r.isError, "refused");
          const text = textOf(r);
          assertStringIncludes(text, "cannot snapshot");
          assertStringIncludes(text, "scsi0");
          assertStringIncludes(text, "'san-lvm'");
          assertStringIncludes(text, "Nothing was done");
          const dry: any = await call(s, "guest_power", {
            action: "stop",
            vmid: 150,
            dry_run: true,
            safety_snapshot: true,
          });
          assertEquals(dry.structuredContent.verdict, "would be refused");
          assertStringIncludes(dry.structuredContent.message, "cannot snapshot");
        });
        assertEquals(mutations(reqs).length, 0);
        assertEquals(sim.state.guests.get(150)!.status, "running");
        const last = (await auditLines(auditFile)).filter((l) => l.tool === "guest_power").at(-1);
        assertEquals(last.outcome, "dry-run");
      },
    );

    await t.step("PVE itself fails a snapshot on that storage (simulator fidelity)", async () => {
      const r: any = await call(s, "guest_snapshot", {
        action: "create",
        vmid: 150,
        snapname: "try_it",
      });
      assert(r.isError);
      assertStringIncludes(textOf(r), NO_SNAPSHOT);
      assertEquals(sim.state.guests.get(150)!.snapshots.length, 0);
    });

    await t.step(
      "execute_vm_command (configured): snapshot first, noted in the answer",
      async () => {
        let r: any;
        const reqs = await requestsDuring(sim, async () => {
          r = await call(s, "execute_vm_command", { node: "pve1", vmid: 100, command: "uptime" });
        });
        assert(!r.isError, textOf(r));
        const muts = mutations(reqs).map((q) => `${q.method} ${q.path}`);
        assertEquals(muts, [
          "POST /nodes/pve1/qemu/100/snapshot",
          "POST /nodes/pve1/qemu/100/agent/exec",
        ]);
        const note = r.structuredContent.notes.find((n: string) => n.includes("safety snapshot"));
        assertStringIncludes(note ?? "", "mcp-pre-exec-");
        assertStringIncludes(note ?? "", "guest_snapshot action rollback, vmid 100");
        assertRequestsValid(reqs);
      },
    );
  } finally {
    await srv?.close();
    await sim.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
