// Structured results are read field by field here; typing each nested shape adds nothing.
// deno-lint-ignore-file no-explicit-any
/**
 * Power actions end to end: the real server over stdio, an SDK client, the
 * simulator. `guest_power` serves VMs and containers alike; each step checks
 * the answer, what was (not) sent to PVE, the simulator's state afterwards,
 * and the audit line written for it. The old per-kind names (stop_vm…) are
 * checked to be the same tool, audited under its name.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { call, type ServerUnderTest, startServer, textOf } from "../support/harness.ts";
import { DEMO_TOKEN, demoCluster, startSimulator } from "../../src/simulator/mod.ts";
import { simActions } from "../../src/simulator/actions.ts";
import { assertRequestsValid } from "../support/schema_check.ts";
import { auditLines, mutations, requestsDuring } from "./action_support.ts";

const ACTIONS = ["start", "shutdown", "reboot", "stop", "reset", "suspend", "resume"];
const OLD_NAMES = [
  ...ACTIONS.map((a) => `${a}_vm`),
  ...ACTIONS.filter((a) => a !== "reset").map((a) => `${a}_container`),
  "create_snapshot",
  "rollback_snapshot",
  "delete_snapshot",
];

/**
 * Every action once, from a running guest, and the state PVE leaves it in. A container has no
 * reset (refused, nothing sent); a suspended container is frozen but still lists as running.
 */
const SEQUENCE: Array<[action: string, args: Record<string, unknown>, qemu: string, lxc: string]> =
  [
    ["shutdown", {}, "stopped", "stopped"],
    ["start", {}, "running", "running"],
    ["reboot", {}, "running", "running"],
    ["stop", { confirm: true }, "stopped", "stopped"],
    ["start", {}, "running", "running"],
    ["reset", { confirm: true }, "running", "running"],
    ["suspend", {}, "paused", "running"],
    ["resume", {}, "running", "running"],
  ];

Deno.test("guest_power over stdio: happy paths, states, safety, tasks, audit", async (t) => {
  const sim = await startSimulator({ cluster: demoCluster() });
  simActions(sim.state).durationMs = 150;
  const dir = await Deno.makeTempDir({ prefix: "pmcp-life-" });
  const auditFile = `${dir}/audit.jsonl`;
  let srv: ServerUnderTest | undefined;
  try {
    srv = await startServer({
      sim,
      config: { audit: { file: auditFile }, safety: { protected_vmids: [103] } },
    });
    const s = srv;
    const audit = () => auditLines(auditFile);
    /** Calls `tool` and returns its answer with every request it caused. */
    const during = async (tool: string, args: Record<string, unknown>) => {
      let r: any;
      const reqs = await requestsDuring(sim, async () => (r = await call(s, tool, args)));
      return { r, reqs, sent: mutations(reqs).map((q) => `${q.method} ${q.path}`) };
    };

    await t.step(
      "tools/list: one power tool with explicit annotations, old names hidden",
      async () => {
        const { tools } = await s.client.listTools();
        const tool = tools.find((x) => x.name === "guest_power");
        assert(tool, "guest_power is listed");
        assertEquals(tool.annotations, {
          readOnlyHint: false,
          destructiveHint: true,
          idempotentHint: false,
          openWorldHint: false,
        });
        assertStringIncludes(tool.description ?? "", "confirm: true");
        const input = tool.inputSchema as any;
        assertEquals(input.properties.action.enum, ACTIONS);
        assertEquals(input.required, ["action", "vmid"]);
        for (const old of OLD_NAMES) assert(!tools.some((x) => x.name === old), `${old} is hidden`);
      },
    );

    await t.step("start: a stopped VM starts; one POST; task tracked; audited", async () => {
      const g = sim.state.guests.get(105)!;
      assertEquals(g.status, "stopped");
      const { r, sent } = await during("guest_power", { action: "start", vmid: 105 });
      assert(!r.isError, textOf(r));
      assertEquals(sent, ["POST /nodes/pve2/qemu/105/status/start"]);
      const out = r.structuredContent;
      assertEquals([out.tool, out.action, out.result], ["guest_power", "start", "done"]);
      assertEquals(out.exitstatus, "OK");
      assertStringIncludes(out.upid, ":qmstart:105:");
      assertEquals(out.log.at(-1), "TASK OK");
      assertEquals(g.status, "running");
      const line = (await audit()).at(-1);
      assertEquals([line.tool, line.outcome, line.upid], ["guest_power", "ok", out.upid]);
      assertEquals(line.args.action, "start");
      assertEquals([line.target.vmid, line.target.node, line.target.type], [105, "pve2", "qemu"]);
      assert(line.duration_ms >= 0);
    });

    await t.step("start of a running VM: 'already running', nothing sent", async () => {
      const { r, sent } = await during("guest_power", { action: "start", vmid: 100 });
      assert(!r.isError, textOf(r));
      assertEquals(r.structuredContent.result, "unchanged");
      assertStringIncludes(textOf(r), "VM 100 (web01) is already running");
      assertEquals(sent, []);
      assertEquals((await audit()).at(-1).detail, { unchanged: true });
    });

    await t.step("stop without confirm: refused with how to confirm, nothing sent", async () => {
      const { r, sent } = await during("guest_power", { action: "stop", vmid: 105 });
      assert(r.isError);
      assertStringIncludes(textOf(r), "confirm: true");
      assertStringIncludes(textOf(r), "Nothing was done");
      assertEquals(sent, []);
      assertEquals(sim.state.guests.get(105)!.status, "running");
      const line = (await audit()).at(-1);
      assertEquals([line.tool, line.outcome], ["guest_power", "refused"]);
    });

    await t.step("stop with confirm: true stops the VM", async () => {
      const r: any = await call(s, "guest_power", { action: "stop", vmid: 105, confirm: true });
      assert(!r.isError, textOf(r));
      assertEquals(r.structuredContent.result, "done");
      assertEquals(r.structuredContent.confirmation, "confirm argument");
      assertEquals(sim.state.guests.get(105)!.status, "stopped");
      assertEquals((await audit()).at(-1).args.confirm, true);
    });

    await t.step(
      "wrong state: reset/reboot of a stopped VM, shutdown of a paused one",
      async () => {
        const cases: Array<[Record<string, unknown>, string]> = [
          [{ action: "reset", vmid: 105, confirm: true }, "VM 105 (build01) is not running"],
          [{ action: "reboot", vmid: 105 }, "start it (action start)"],
          [{ action: "shutdown", vmid: 104 }, "paused"],
          [{ action: "resume", vmid: 105 }, "not running"],
        ];
        for (const [args, text] of cases) {
          const { r, sent } = await during("guest_power", args);
          assert(r.isError, `${args.action} is refused`);
          assertStringIncludes(textOf(r), text);
          assertEquals(sent, [], `${args.action} sends nothing`);
          assertEquals((await audit()).at(-1).outcome, "refused");
        }
      },
    );

    for (const [kind, vmid] of [["qemu", 101], ["lxc", 202]] as const) {
      await t.step(`every action on a ${kind} guest, states as PVE decides them`, async () => {
        const g = sim.state.guests.get(vmid)!;
        assertEquals([g.type, g.status], [kind, "running"]);
        const worker = kind === "qemu" ? "qm" : "vz";
        for (const [action, extra, qemu, lxc] of SEQUENCE) {
          g.uptime = 999;
          const { r, sent } = await during("guest_power", { action, vmid, ...extra });
          const line = (await audit()).at(-1);
          if (kind === "lxc" && action === "reset") {
            assert(r.isError, "a container reset is refused");
            assertStringIncludes(textOf(r), "PVE has no reset for containers");
            assertEquals(sent, []);
            assertEquals([line.tool, line.outcome], ["guest_power", "refused"]);
            assertEquals(g.status, "running");
            continue;
          }
          const out = r.structuredContent;
          assertEquals(
            [out?.tool, out?.action, out?.result],
            ["guest_power", action, "done"],
            textOf(r),
          );
          assertEquals(out.target.type, kind);
          assertEquals(sent, [`POST /nodes/${g.node}/${kind}/${vmid}/status/${action}`]);
          assertStringIncludes(out.upid, `:${worker}${action}:${vmid}:`);
          assertEquals(g.status, kind === "qemu" ? qemu : lxc, `${action} leaves the guest`);
          if (action === "reboot" || action === "reset") assertEquals(g.uptime, 0, action);
          assertEquals([line.tool, line.outcome, line.args.action], ["guest_power", "ok", action]);
        }
      });
    }

    await t.step("no-ops: resume of a running VM, shutdown of a stopped CT", async () => {
      let { r, sent } = await during("guest_power", { action: "resume", vmid: 101 });
      assertEquals(r.structuredContent.result, "unchanged", textOf(r));
      assertEquals(sent, []);
      ({ r, sent } = await during("guest_power", {
        action: "shutdown",
        vmid: 202,
        shutdown_timeout_s: 30,
      }));
      assertEquals(r.structuredContent.result, "done", textOf(r));
      assertEquals(r.structuredContent.plan[0].params, { timeout: 30 });
      assertEquals(sim.state.guests.get(202)!.status, "stopped");
      ({ r, sent } = await during("guest_power", { action: "shutdown", vmid: 202 }));
      assertEquals(r.structuredContent.result, "unchanged");
      assertEquals(sent, []);
    });

    await t.step("actions in any case and by their usual synonyms", async () => {
      const g = sim.state.guests.get(101)!;
      const cases: Array<[given: string, action: string, after: string]> = [
        ["Restart", "reboot", "running"],
        ["pause", "suspend", "paused"],
        ["UNPAUSE", "resume", "running"],
      ];
      for (const [given, action, after] of cases) {
        const { r, sent } = await during("guest_power", { action: given, vmid: 101 });
        assert(!r.isError, `${given}: ${textOf(r)}`);
        assertEquals(r.structuredContent.action, action, given);
        assertEquals(sent, [`POST /nodes/pve1/qemu/101/status/${action}`], given);
        assertEquals(g.status, after, given);
        assertEquals((await audit()).at(-1).args.action, action, given);
      }
      const { r, reqs } = await during("guest_power", { action: "hibernate", vmid: 101 });
      assert(r.isError);
      assertStringIncludes(
        textOf(r),
        'action: "hibernate" is not one of start, shutdown, reboot, stop, reset, suspend, resume',
      );
      assertEquals(reqs, [], "an unknown action reads nothing either");
    });

    await t.step("an option of another action: refused, nothing sent", async () => {
      const cases: Array<[string, Record<string, unknown>, string]> = [
        [
          "guest_power",
          { action: "start", vmid: 105, force_stop: true },
          "force_stop applies to action shutdown only, not start. Nothing was done.",
        ],
        [
          "guest_power",
          { action: "reboot", vmid: 101, shutdown_timeout_s: 30 },
          "shutdown_timeout_s applies to action shutdown only, not reboot. Nothing was done.",
        ],
        [
          "guest_snapshot",
          { action: "rollback", vmid: 100, snapname: "pre_upgrade", vmstate: true, confirm: true },
          "vmstate applies to action create only, not rollback. Nothing was done.",
        ],
      ];
      const before = sim.state.guests.get(100)!.config.parent;
      for (const [tool, args, text] of cases) {
        const { r, sent } = await during(tool, args);
        assert(r.isError, `${tool} ${args.action}: ${textOf(r)}`);
        assertStringIncludes(textOf(r), text);
        assertEquals(sent, [], `${tool} ${args.action} sends nothing`);
      }
      assertEquals(sim.state.guests.get(105)!.status, "stopped");
      assertEquals(sim.state.guests.get(101)!.status, "running");
      assertEquals(sim.state.guests.get(100)!.config.parent, before, "no rollback happened");
    });

    await t.step("an old name is guest_power: same answer, audited as guest_power", async () => {
      const old = await during("stop_vm", { vmid: 101, dry_run: true });
      const now = await during("guest_power", { action: "stop", vmid: 101, dry_run: true });
      assertEquals(old.r.structuredContent, now.r.structuredContent);
      assertEquals(old.r.structuredContent.tool, "guest_power");
      const { r, sent } = await during("stop_vm", { vmid: 101, confirm: true });
      assert(!r.isError, textOf(r));
      const out = r.structuredContent;
      assertEquals([out.tool, out.action, out.result], ["guest_power", "stop", "done"]);
      assertEquals(sent, ["POST /nodes/pve1/qemu/101/status/stop"]);
      assertEquals(sim.state.guests.get(101)!.status, "stopped");
      const line = (await audit()).at(-1);
      assertEquals([line.tool, line.outcome, line.args.action], ["guest_power", "ok", "stop"]);
    });

    await t.step("an old name with a contradicting action: refused naming both", async () => {
      const lines = (await audit()).length;
      const { r, reqs } = await during("stop_vm", { vmid: 100, action: "start", confirm: true });
      assert(r.isError);
      assertStringIncludes(textOf(r), "stop_vm is guest_power with action fixed");
      assertStringIncludes(textOf(r), "Nothing was done");
      assertEquals(reqs, []);
      assertEquals(sim.state.guests.get(100)!.status, "running");
      assertEquals((await audit()).length, lines, "nothing ran, so nothing is audited");
    });

    await t.step("locked guest: refused naming the lock, nothing sent", async () => {
      const g = sim.state.guests.get(102)!;
      assertEquals(g.lock, "backup");
      const { r, sent } = await during("guest_power", { action: "shutdown", vmid: 102 });
      assert(r.isError);
      assertStringIncludes(textOf(r), "is locked (backup)");
      assertEquals(sent, []);
      assertEquals(g.status, "running");
    });

    await t.step("protected guests: by VMID and by tag, refused, nothing sent", async () => {
      sim.state.guests.get(201)!.tags = "infra;Protected";
      for (
        const [action, vmid, text] of [
          ["shutdown", 103, "safety.protected_vmids"],
          ["start", 201, 'PVE tag "Protected"'],
        ] as const
      ) {
        const { r, sent } = await during("guest_power", { action, vmid });
        assert(r.isError, `${action} ${vmid}`);
        assertStringIncludes(textOf(r), text);
        assertEquals(sent, []);
        const line = (await audit()).at(-1);
        assertEquals([line.outcome, line.target.vmid], ["refused", vmid]);
      }
    });

    await t.step("wrong node, unknown VMID", async () => {
      let r: any = await call(s, "guest_power", { action: "start", vmid: 105, node: "pve1" });
      assert(r.isError);
      assertStringIncludes(textOf(r), "is on node pve2, not pve1");
      r = await call(s, "guest_power", { action: "start", vmid: 4242 });
      assert(r.isError);
      assertStringIncludes(textOf(r), "No VM or container with VMID 4242");
    });

    await t.step("task failure: isError with the task's text; audited with UPID", async () => {
      simActions(sim.state).next.push({ exitstatus: "start failed: QEMU exited with code 1" });
      const r: any = await call(s, "guest_power", { action: "start", vmid: 105 });
      assert(r.isError);
      assertStringIncludes(textOf(r), "start failed: QEMU exited with code 1");
      assertStringIncludes(textOf(r), "TASK ERROR: start failed");
      assertEquals(sim.state.guests.get(105)!.status, "stopped");
      const line = (await audit()).at(-1);
      assertEquals(line.outcome, "error");
      assertEquals(line.exitstatus, "start failed: QEMU exited with code 1");
      assertStringIncludes(line.upid, ":qmstart:105:");
    });

    await t.step("timeout: a task that never ends answers with its UPID", async () => {
      simActions(sim.state).next.push({ durationMs: Infinity });
      const started = Date.now();
      const r: any = await call(s, "guest_power", { action: "start", vmid: 105, timeout_s: 1 });
      assert(!r.isError, textOf(r));
      assert(Date.now() - started < 5000, "the wait is bounded");
      assertEquals(r.structuredContent.result, "timeout");
      const upid = r.structuredContent.upid;
      assertStringIncludes(textOf(r), `get_task_status upid ${upid}`);
      assertEquals((await audit()).at(-1).outcome, "timeout");
      const st: any = await call(s, "get_task_status", { upid });
      assertEquals(st.structuredContent.status, "running");
      sim.state.tasks.stop(upid);
    });

    await t.step("wait: false answers with the UPID at once", async () => {
      simActions(sim.state).next.push({ durationMs: 400 });
      const r: any = await call(s, "guest_power", { action: "start", vmid: 105, wait: false });
      assertEquals(r.structuredContent.result, "started");
      assertEquals(sim.state.guests.get(105)!.status, "stopped", "answered before the task ended");
      assertEquals((await audit()).at(-1).outcome, "started");
      await new Promise((res) => setTimeout(res, 500));
      const st: any = await call(s, "get_task_status", { upid: r.structuredContent.upid });
      assertEquals([st.structuredContent.status, st.structuredContent.exitstatus], ["ok", "OK"]);
      assertEquals(sim.state.guests.get(105)!.status, "running");
    });

    await t.step("cancellation: the wait stops, the PVE task is left running", async () => {
      simActions(sim.state).next.push({ durationMs: Infinity });
      const ac = new AbortController();
      const pending = s.client.callTool(
        { name: "guest_power", arguments: { action: "stop", vmid: 105, confirm: true } },
        undefined,
        { signal: ac.signal },
      ).catch((e: Error) => e);
      await new Promise((res) => setTimeout(res, 600));
      ac.abort();
      assert((await pending) instanceof Error, "the client gave up on the call");
      assertEquals(sim.state.guests.get(105)!.status, "running");
      let line: any;
      for (let i = 0; i < 40 && line?.outcome !== "cancelled"; i++) {
        await new Promise((res) => setTimeout(res, 50));
        line = (await audit()).at(-1);
      }
      assertEquals(line.outcome, "cancelled");
      const task = sim.state.tasks.get(line.upid)!;
      assert(task.running, "the PVE task was not stopped");
      assert(!sim.requests.some((q) => q.method === "DELETE"), "no task stop was sent");
      sim.state.tasks.stop(line.upid);
    });

    await t.step("progress notifications while a task runs", async () => {
      simActions(sim.state).next.push({ durationMs: 1500 });
      const seen: any[] = [];
      const r: any = await s.client.callTool(
        { name: "guest_power", arguments: { action: "stop", vmid: 105, confirm: true } },
        undefined,
        { onprogress: (p: any) => seen.push(p) },
      );
      assertEquals(r.structuredContent.result, "done", textOf(r));
      assert(seen.length >= 2, `progress notifications received: ${seen.length}`);
      assert(seen[1].progress > seen[0].progress, "progress grows");
      assertStringIncludes(seen[0].message, "VM 105 (build01)");
    });

    await t.step("dry_run: checks and plan, no request but GETs", async () => {
      const { r, sent } = await during("guest_power", { action: "stop", vmid: 100, dry_run: true });
      assert(!r.isError, textOf(r));
      assertEquals(sent, []);
      const out = r.structuredContent;
      assertEquals(out.result, "dry-run");
      assertEquals(out.plan, [{
        method: "POST",
        path: "/nodes/pve1/qemu/100/status/stop",
        params: {},
      }]);
      assertEquals(out.checks.find((c: any) => c.check === "confirmation").verdict, "ask");
      assertEquals(sim.state.guests.get(100)!.status, "running");
      assertEquals((await audit()).at(-1).outcome, "dry-run");
    });

    await t.step(
      "the audit log: one parseable line per call, merged names only, no secret, requests valid",
      async () => {
        const text = await Deno.readTextFile(auditFile);
        assert(!text.includes(DEMO_TOKEN.secret), "no token secret in the audit log");
        const lines = await audit();
        assert(lines.length >= 30, `audit lines: ${lines.length}`);
        for (const l of lines) {
          assert(typeof l.outcome === "string" && l.ts, JSON.stringify(l));
          assertEquals(l.tool, "guest_power", "old names are audited as the merged tool");
          assert(l.target?.vmid >= 100, JSON.stringify(l));
        }
        assertRequestsValid(sim.requests);
      },
    );
  } finally {
    await srv?.close();
    await sim.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
