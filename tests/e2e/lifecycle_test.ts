// Structured results are read field by field here; typing each nested shape adds nothing.
// deno-lint-ignore-file no-explicit-any
/**
 * Power actions end to end: the real server over stdio, an SDK client, the
 * simulator. Each step checks the answer, what was (not) sent to PVE, the
 * simulator's state afterwards, and the audit line written for it.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { call, type ServerUnderTest, startServer, textOf } from "../support/harness.ts";
import { DEMO_TOKEN, demoCluster, startSimulator } from "../../src/simulator/mod.ts";
import { simActions } from "../../src/simulator/actions.ts";
import { assertRequestsValid } from "../support/schema_check.ts";
import { auditLines, mutations, requestsDuring } from "./action_support.ts";

const VM_TOOLS = ["start", "stop", "shutdown", "reboot", "reset", "suspend", "resume"]
  .map((a) => `${a}_vm`);
const CT_TOOLS = ["start", "stop", "shutdown", "reboot", "suspend", "resume"]
  .map((a) => `${a}_container`);
const DESTRUCTIVE = new Set([
  "stop_vm",
  "shutdown_vm",
  "reset_vm",
  "stop_container",
  "shutdown_container",
]);
const NOT_IDEMPOTENT = new Set(["reboot_vm", "reset_vm", "reboot_container"]);

Deno.test("lifecycle tools over stdio: happy paths, states, safety, tasks, audit", async (t) => {
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

    await t.step("tools/list: every power tool, with explicit annotations", async () => {
      const { tools } = await s.client.listTools();
      for (const name of [...VM_TOOLS, ...CT_TOOLS]) {
        const tool = tools.find((x) => x.name === name);
        assert(tool, `${name} is listed`);
        assertEquals(tool.annotations?.readOnlyHint, false, name);
        assertEquals(tool.annotations?.destructiveHint, DESTRUCTIVE.has(name), name);
        assertEquals(tool.annotations?.idempotentHint, !NOT_IDEMPOTENT.has(name), name);
        assertEquals(tool.annotations?.openWorldHint, false, name);
        if (DESTRUCTIVE.has(name)) assertStringIncludes(tool.description ?? "", "confirm: true");
      }
      assert(!tools.some((x) => x.name === "reset_container"), "PVE has no container reset");
    });

    await t.step("start_vm: a stopped VM starts; one POST; task tracked; audited", async () => {
      const g = sim.state.guests.get(105)!;
      assertEquals(g.status, "stopped");
      let r: any;
      const reqs = await requestsDuring(
        sim,
        async () => (r = await call(s, "start_vm", { vmid: 105 })),
      );
      assert(!r.isError, textOf(r));
      assertEquals(mutations(reqs).map((q) => `${q.method} ${q.path}`), [
        "POST /nodes/pve2/qemu/105/status/start",
      ]);
      const out = r.structuredContent;
      assertEquals(out.result, "done");
      assertEquals(out.exitstatus, "OK");
      assertStringIncludes(out.upid, ":qmstart:105:");
      assertEquals(out.log.at(-1), "TASK OK");
      assertEquals(g.status, "running");
      const line = (await audit()).at(-1);
      assertEquals([line.tool, line.outcome, line.upid], ["start_vm", "ok", out.upid]);
      assertEquals([line.target.vmid, line.target.node, line.target.type], [105, "pve2", "qemu"]);
      assert(line.duration_ms >= 0);
    });

    await t.step("start_vm on a running VM: 'already running', nothing sent", async () => {
      let r: any;
      const reqs = await requestsDuring(
        sim,
        async () => (r = await call(s, "start_vm", { vmid: 100 })),
      );
      assert(!r.isError, textOf(r));
      assertEquals(r.structuredContent.result, "unchanged");
      assertStringIncludes(textOf(r), "VM 100 (web01) is already running");
      assertEquals(mutations(reqs), []);
      assertEquals((await audit()).at(-1).detail, { unchanged: true });
    });

    await t.step("stop_vm without confirm: refused with how to confirm, nothing sent", async () => {
      let r: any;
      const reqs = await requestsDuring(
        sim,
        async () => (r = await call(s, "stop_vm", { vmid: 105 })),
      );
      assert(r.isError);
      assertStringIncludes(textOf(r), "confirm: true");
      assertStringIncludes(textOf(r), "Nothing was done");
      assertEquals(mutations(reqs), []);
      assertEquals(sim.state.guests.get(105)!.status, "running");
      const line = (await audit()).at(-1);
      assertEquals([line.tool, line.outcome], ["stop_vm", "refused"]);
    });

    await t.step("stop_vm with confirm: true stops the VM", async () => {
      const r: any = await call(s, "stop_vm", { vmid: 105, confirm: true });
      assert(!r.isError, textOf(r));
      assertEquals(r.structuredContent.result, "done");
      assertEquals(r.structuredContent.confirmation, "confirm argument");
      assertEquals(sim.state.guests.get(105)!.status, "stopped");
      assertEquals((await audit()).at(-1).args.confirm, true);
    });

    await t.step(
      "wrong state: reset/reboot of a stopped VM, shutdown of a paused one",
      async () => {
        const cases: Array<[string, Record<string, unknown>, string]> = [
          ["reset_vm", { vmid: 105, confirm: true }, "VM 105 (build01) is not running"],
          ["reboot_vm", { vmid: 105 }, "start it with start_vm"],
          ["shutdown_vm", { vmid: 104 }, "paused"],
          ["resume_vm", { vmid: 105 }, "not running"],
        ];
        for (const [tool, args, text] of cases) {
          let r: any;
          const reqs = await requestsDuring(sim, async () => (r = await call(s, tool, args)));
          assert(r.isError, `${tool} is refused`);
          assertStringIncludes(textOf(r), text);
          assertEquals(mutations(reqs), [], `${tool} sends nothing`);
          assertEquals((await audit()).at(-1).outcome, "refused");
        }
      },
    );

    await t.step("suspend, resume, reboot a running VM; resume again is 'unchanged'", async () => {
      const g = sim.state.guests.get(101)!;
      let r: any = await call(s, "suspend_vm", { vmid: 101 });
      assert(!r.isError, textOf(r));
      assertEquals(g.status, "paused");
      r = await call(s, "resume_vm", { vmid: 101 });
      assert(!r.isError, textOf(r));
      assertEquals(g.status, "running");
      r = await call(s, "resume_vm", { vmid: 101 });
      assertEquals(r.structuredContent.result, "unchanged");
      g.uptime = 999;
      r = await call(s, "reboot_vm", { vmid: 101 });
      assertEquals(r.structuredContent.result, "done");
      assertEquals(g.uptime, 0);
    });

    await t.step("locked guest: refused naming the lock, nothing sent", async () => {
      const g = sim.state.guests.get(102)!;
      assertEquals(g.lock, "backup");
      let r: any;
      const reqs = await requestsDuring(
        sim,
        async () => (r = await call(s, "shutdown_vm", { vmid: 102 })),
      );
      assert(r.isError);
      assertStringIncludes(textOf(r), "is locked (backup)");
      assertEquals(mutations(reqs), []);
      assertEquals(g.status, "running");
    });

    await t.step("protected guests: by VMID and by tag, refused, nothing sent", async () => {
      sim.state.guests.get(201)!.tags = "infra;Protected";
      for (
        const [tool, vmid, text] of [
          ["shutdown_vm", 103, "safety.protected_vmids"],
          ["start_container", 201, 'PVE tag "Protected"'],
        ] as const
      ) {
        let r: any;
        const reqs = await requestsDuring(sim, async () => (r = await call(s, tool, { vmid })));
        assert(r.isError, tool);
        assertStringIncludes(textOf(r), text);
        assertEquals(mutations(reqs), []);
        const line = (await audit()).at(-1);
        assertEquals([line.outcome, line.target.vmid], ["refused", vmid]);
      }
    });

    await t.step("wrong tool for the type, wrong node, unknown VMID", async () => {
      let r: any = await call(s, "start_vm", { vmid: 201 });
      assert(r.isError);
      assertStringIncludes(textOf(r), "use start_container instead");
      r = await call(s, "start_vm", { vmid: 105, node: "pve1" });
      assert(r.isError);
      assertStringIncludes(textOf(r), "is on node pve2, not pve1");
      r = await call(s, "start_vm", { vmid: 4242 });
      assert(r.isError);
      assertStringIncludes(textOf(r), "No VM or container with VMID 4242");
    });

    await t.step("containers: stop, start, shutdown, reboot, suspend, resume", async () => {
      const g = sim.state.guests.get(202)!;
      assertEquals(g.status, "running");
      let r: any = await call(s, "stop_container", { vmid: 202, confirm: true });
      assertEquals(r.structuredContent?.result, "done", textOf(r));
      assertEquals(g.status, "stopped");
      r = await call(s, "shutdown_container", { vmid: 202 });
      assertEquals(r.structuredContent.result, "unchanged");
      r = await call(s, "start_container", { vmid: 202 });
      assertStringIncludes(r.structuredContent.upid, ":vzstart:202:");
      assertEquals(g.status, "running");
      for (const tool of ["reboot_container", "suspend_container", "resume_container"]) {
        r = await call(s, tool, { vmid: 202 });
        assertEquals(r.structuredContent?.result, "done", `${tool}: ${textOf(r)}`);
      }
      r = await call(s, "shutdown_container", { vmid: 202, shutdown_timeout_s: 30 });
      assertEquals(r.structuredContent.result, "done");
      assertEquals(r.structuredContent.plan[0].params, { timeout: 30 });
      assertEquals(g.status, "stopped");
    });

    await t.step("task failure: isError with the task's text; audited with UPID", async () => {
      simActions(sim.state).next.push({ exitstatus: "start failed: QEMU exited with code 1" });
      const r: any = await call(s, "start_vm", { vmid: 105 });
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
      const r: any = await call(s, "start_vm", { vmid: 105, timeout_s: 1 });
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
      const r: any = await call(s, "start_vm", { vmid: 105, wait: false });
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
        { name: "stop_vm", arguments: { vmid: 105, confirm: true } },
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
        { name: "stop_vm", arguments: { vmid: 105, confirm: true } },
        undefined,
        { onprogress: (p: any) => seen.push(p) },
      );
      assertEquals(r.structuredContent.result, "done", textOf(r));
      assert(seen.length >= 2, `progress notifications received: ${seen.length}`);
      assert(seen[1].progress > seen[0].progress, "progress grows");
      assertStringIncludes(seen[0].message, "VM 105 (build01)");
    });

    await t.step("dry_run: checks and plan, no request but GETs", async () => {
      let r: any;
      const reqs = await requestsDuring(
        sim,
        async () => (r = await call(s, "stop_vm", { vmid: 100, dry_run: true })),
      );
      assert(!r.isError, textOf(r));
      assertEquals(mutations(reqs), []);
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
      "the audit log: one parseable line per call, no secret, requests valid",
      async () => {
        const text = await Deno.readTextFile(auditFile);
        assert(!text.includes(DEMO_TOKEN.secret), "no token secret in the audit log");
        const lines = await audit();
        assert(lines.length >= 20, `audit lines: ${lines.length}`);
        for (const l of lines) {
          assert(typeof l.tool === "string" && typeof l.outcome === "string" && l.ts);
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
