// Structured results are read field by field here; typing each nested shape adds nothing.
// deno-lint-ignore-file no-explicit-any
/**
 * Long PVE jobs as MCP tasks, end to end over stdio with two SDK clients: one
 * declaring the tasks capability (task creation, status, result, cancel that
 * stops the PVE task, expiry) and one without (the blocking call with
 * progress notifications, unchanged).
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";

function assertMatch(s: unknown, re: RegExp) {
  assert(typeof s === "string" && re.test(s), `${String(s)} does not match ${re}`);
}
import { call, type ServerUnderTest, startServer } from "../support/harness.ts";
import { demoCluster, type Simulator, startSimulator } from "../support/simulator/mod.ts";
import { simActions } from "../support/simulator/actions.ts";
import { assertRequestsValid } from "../support/schema_check.ts";
import { auditLines, mutations, requestsDuring } from "./action_support.ts";
// @ts-types="@modelcontextprotocol/sdk/types"
import { CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";

const TASKS_CLIENT = { tasks: { requests: {} } };

/** Collects a task-augmented call's stream. */
async function stream(
  srv: ServerUnderTest,
  name: string,
  args: Record<string, unknown>,
  ttl = 60_000,
) {
  const messages: any[] = [];
  for await (
    const m of srv.client.experimental.tasks.callToolStream(
      { name, arguments: args },
      CallToolResultSchema,
      { task: { ttl } },
    )
  ) messages.push(m);
  return messages;
}

/** Starts a task and returns its id once created, leaving it running. */
async function startTask(srv: ServerUnderTest, name: string, args: Record<string, unknown>) {
  const it = srv.client.experimental.tasks.callToolStream(
    { name, arguments: args },
    CallToolResultSchema,
    { task: { ttl: 60_000 } },
  );
  const first = await it.next();
  await it.return(undefined);
  const m = first.value as any;
  assertEquals(m?.type, "taskCreated", JSON.stringify(m));
  return m.task;
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 5_000) {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const simTask = (sim: Simulator, upid: string) => sim.state.tasks.get(upid)!;

Deno.test("MCP tasks over stdio: create, status, result, cancel, expiry; plain clients unchanged", async (t) => {
  const sim = await startSimulator({ cluster: demoCluster() });
  simActions(sim.state).durationMs = 150;
  const dir = await Deno.makeTempDir({ prefix: "pmcp-tasks-" });
  const auditFile = `${dir}/audit.jsonl`;
  const servers: ServerUnderTest[] = [];
  try {
    const withTasks = await startServer({
      sim,
      clientCapabilities: TASKS_CLIENT,
      config: { audit: { file: auditFile } },
    });
    servers.push(withTasks);
    const plain = await startServer({ sim, config: { audit: { file: auditFile } } });
    servers.push(plain);

    await t.step("tools/list: task support on tools that start PVE tasks only", async () => {
      const { tools } = await withTasks.client.listTools();
      const support = (n: string) =>
        (tools.find((x) => x.name === n) as any)?.execution?.taskSupport;
      for (const n of ["start_vm", "stop_container", "create_snapshot", "rollback_snapshot"]) {
        assertEquals(support(n), "optional", n);
      }
      for (const n of ["get_nodes", "get_task_status", "list_snapshots"]) {
        assert(support(n) !== "optional", `${n} is not a task tool`);
      }
    });

    await t.step("a task: created at once, status from the PVE task, same result", async () => {
      simActions(sim.state).next.push({ durationMs: 1_200 });
      assertEquals(sim.state.guests.get(105)!.status, "stopped");
      const reqs = await requestsDuring(sim, async () => {
        const msgs = await stream(withTasks, "start_vm", { vmid: 105 });
        const created = msgs.find((m) => m.type === "taskCreated");
        assert(created, JSON.stringify(msgs));
        assertMatch(created.task.taskId, /^[0-9a-f]{32}$/);
        assertEquals(created.task.status, "working");
        assert(created.task.pollInterval <= 1_000, "a short poll interval");
        assert(msgs.some((m) => m.type === "taskStatus" && m.task.status === "working"));
        const result = msgs.at(-1);
        assertEquals(result.type, "result", JSON.stringify(result));
        const sc = result.result.structuredContent;
        assertEquals(sc.result, "done");
        assertEquals(sc.exitstatus, "OK");
        assertMatch(sc.upid, /^UPID:pve2:.*:qmstart:105:/);
        assert(sc.duration_ms >= 1_000, `duration ${sc.duration_ms}`);
        assert(Array.isArray(sc.log) && sc.log.at(-1) === "TASK OK");
        // tasks/get and tasks/result answer the same afterwards.
        const got = await withTasks.client.experimental.tasks.getTask(created.task.taskId);
        assertEquals(got.status, "completed");
        const again: any = await withTasks.client.experimental.tasks.getTaskResult(
          created.task.taskId,
          CallToolResultSchema,
        );
        assertEquals(again.structuredContent.upid, sc.upid);
      });
      assertEquals(mutations(reqs).length, 1, "one POST, never repeated");
      assertEquals(sim.state.guests.get(105)!.status, "running");
      assertRequestsValid(reqs);
    });

    await t.step("tasks/cancel stops the PVE task; the result says so; audited", async () => {
      simActions(sim.state).next.push({ durationMs: Infinity });
      const before = sim.requests.length;
      const task = await startTask(withTasks, "stop_vm", { vmid: 101, confirm: true });
      const upid = (await withTasks.client.experimental.tasks.getTask(task.taskId)).statusMessage;
      assertStringIncludes(upid ?? "", "UPID:pve1:");
      const running = sim.state.tasks.list().find((x) => x.running && x.id === "101")!;
      assert(running, "the PVE stop task runs");
      const cancelled = await withTasks.client.experimental.tasks.cancelTask(task.taskId);
      assertEquals(cancelled.status, "cancelled");
      await until("the PVE task stops", () => !simTask(sim, running.upid).running);
      assertEquals(simTask(sim, running.upid).exitstatus, "received interrupt");
      assertEquals(sim.state.guests.get(101)!.status, "running", "the stop never happened");
      const del = sim.requests.slice(before).filter((r) => r.method === "DELETE");
      assertEquals(del.length, 1, "one DELETE of the task");
      assertStringIncludes(decodeURIComponent(del[0].path), running.upid);
      let result: any;
      await until("the cancelled task's result", async () => {
        try {
          result = await withTasks.client.experimental.tasks.getTaskResult(
            task.taskId,
            CallToolResultSchema,
          );
          return true;
        } catch {
          return false;
        }
      });
      assertEquals(result.structuredContent.result, "cancelled");
      assertEquals(result.structuredContent.exitstatus, "received interrupt");
      assertStringIncludes(result.content[0].text, "stopped (received interrupt)");
      assertEquals(
        (await withTasks.client.experimental.tasks.getTask(task.taskId)).status,
        "cancelled",
      );
      const lines = await auditLines(auditFile);
      const last = lines.filter((l) => l.tool === "stop_vm").at(-1);
      assertEquals(last.outcome, "cancelled");
      assertEquals(last.upid, running.upid);
      assertRequestsValid(sim.requests.slice(before));
    });

    await t.step("a refusal comes back as a finished task, nothing sent", async () => {
      const reqs = await requestsDuring(sim, async () => {
        const msgs = await stream(withTasks, "stop_vm", { vmid: 101 }); // no confirm: refused
        const created = msgs.find((m) => m.type === "taskCreated");
        assert(created);
        assertEquals(msgs.at(-1).type, "error", "a failed task reaches the SDK client as an error");
        const status = await withTasks.client.experimental.tasks.getTask(created.task.taskId);
        assertEquals(status.status, "failed");
        const r: any = await withTasks.client.experimental.tasks.getTaskResult(
          created.task.taskId,
          CallToolResultSchema,
        );
        assertEquals(r.isError, true);
        assertStringIncludes(r.content[0].text, "confirm: true");
      });
      assertEquals(mutations(reqs).length, 0);
    });

    await t.step("tasks expire after their TTL", async () => {
      const msgs = await stream(withTasks, "start_vm", { vmid: 100 }, 1_000); // already running
      const id = msgs.find((m) => m.type === "taskCreated").task.taskId;
      assertEquals((await withTasks.client.experimental.tasks.getTask(id)).status, "completed");
      await new Promise((r) => setTimeout(r, 1_300));
      let err = "";
      await withTasks.client.experimental.tasks.getTask(id).catch((e) => (err = String(e)));
      assertStringIncludes(err, "not found");
    });

    await t.step("tasks/list shows only this client's tasks", async () => {
      const { tasks } = await withTasks.client.experimental.tasks.listTasks();
      assert(tasks.length >= 2);
      assert(tasks.every((x: any) => /^[0-9a-f]{32}$/.test(x.taskId)));
    });

    await t.step("a client without tasks: the blocking call with progress, unchanged", async () => {
      simActions(sim.state).next.push({ durationMs: 900 });
      let progress = 0;
      const t0 = performance.now();
      const r: any = await plain.client.callTool(
        { name: "shutdown_vm", arguments: { vmid: 101 } },
        undefined,
        { onprogress: () => progress++ },
      );
      const ms = performance.now() - t0;
      assert(!r.isError, JSON.stringify(r));
      assertEquals(r.structuredContent.result, "done");
      assertEquals(sim.state.guests.get(101)!.status, "stopped");
      assert(progress >= 1, "progress notifications arrive");
      assert(ms < 2_500, `no polling delay added (${Math.round(ms)} ms)`);
      // A quick answer (already stopped) stays quick.
      const t1 = performance.now();
      const again = await call(plain, "shutdown_vm", { vmid: 101 });
      assertEquals((again.structuredContent as any).result, "unchanged");
      assert(performance.now() - t1 < 1_000);
    });
  } finally {
    for (const s of servers) await s.close();
    await sim.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
