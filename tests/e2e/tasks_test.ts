// Structured results are read field by field here; typing each nested shape adds nothing.
// deno-lint-ignore-file no-explicit-any
/**
 * Task tools and get_guest end to end; expectations come from the
 * simulator's live task registry and guest model.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { call, type ServerUnderTest, startServer, textOf } from "../support/harness.ts";
import { demoCluster, startSimulator } from "../../src/simulator/mod.ts";
import { assertRequestsValid } from "../support/schema_check.ts";
import { mutations, requestsDuring } from "./action_support.ts";

Deno.test("task tools and get_guest over stdio", async (t) => {
  const sim = await startSimulator({ cluster: demoCluster() });
  let srv: ServerUnderTest | undefined;
  try {
    srv = await startServer({ sim });
    const s = srv;
    const tasks = () => sim.state.tasks.list();

    await t.step("tools are read-only and in their toolsets", async () => {
      const { tools } = await s.client.listTools();
      for (const n of ["get_task_status", "list_tasks", "get_guest", "list_snapshots"]) {
        const tool = tools.find((x) => x.name === n);
        assert(tool, n);
        assertEquals(tool.annotations?.readOnlyHint, true, n);
        assertEquals(tool.annotations?.destructiveHint, false, n);
        assertEquals(tool.annotations?.openWorldHint, false, n);
      }
      // Its paging is get_task_status's log_start now; the old name is called, never listed.
      assert(!tools.some((x) => x.name === "get_task_log"), "get_task_log is not listed");
    });

    await t.step("list_tasks: all recent tasks newest first, one request", async () => {
      let r: any;
      const reqs = await requestsDuring(sim, async () => (r = await call(s, "list_tasks")));
      assertEquals(reqs.map((q) => `${q.method} ${q.path}`), ["GET /cluster/tasks"]);
      const out = r.structuredContent;
      assertEquals(out.total, tasks().length);
      assertEquals(out.tasks.map((x: any) => x.upid), tasks().map((x) => x.upid));
    });

    await t.step("list_tasks filters: vmid, type, status, node, limit", async () => {
      const failed = tasks().filter((x) => x.exitstatus !== "OK" && !x.running);
      let r: any = await call(s, "list_tasks", { status: "error" });
      assertEquals(r.structuredContent.tasks.map((x: any) => x.upid), failed.map((x) => x.upid));
      assertStringIncludes(textOf(r), `ERROR: ${failed[0].exitstatus}`);
      r = await call(s, "list_tasks", { vmid: 102 });
      assertEquals(r.structuredContent.tasks.map((x: any) => x.type), ["vzdump"]);
      r = await call(s, "list_tasks", { type: "vzstart", node: "pve1" });
      assertEquals(r.structuredContent.total, tasks().filter((x) => x.type === "vzstart").length);
      r = await call(s, "list_tasks", { node: "pve2", limit: 1 });
      assertEquals(r.structuredContent.returned, 1);
      assertEquals(r.structuredContent.total, tasks().filter((x) => x.node === "pve2").length);
    });

    await t.step("get_task_status: exit status and last log lines of a failed task", async () => {
      const failed = tasks().find((x) => x.exitstatus !== "OK")!;
      const r: any = await call(s, "get_task_status", { upid: failed.upid });
      assert(!r.isError, textOf(r));
      const out = r.structuredContent;
      assertEquals([out.node, out.status, out.exitstatus], [
        failed.node,
        "error",
        failed.exitstatus,
      ]);
      assertEquals(out.log.at(-1), `TASK ERROR: ${failed.exitstatus}`);
    });

    await t.step("get_task_status log_start: page by page to the end", async () => {
      // Longer than any demo task's log, so paging needs several pages and a short last one.
      const task = sim.state.startTask({
        node: "pve1",
        type: "vzdump",
        id: "101",
        user: "root@pam",
        log: Array.from({ length: 22 }, (_, i) => `INFO: step ${i + 1}`),
      });
      const pages: string[][] = [];
      let start: number | null = 0;
      while (start !== null && pages.length < 10) {
        const r: any = await call(s, "get_task_status", {
          upid: task.upid,
          log_start: start,
          log_lines: 5,
        });
        assert(!r.isError, textOf(r));
        const out = r.structuredContent;
        assertEquals(out.log_start, start);
        assertEquals(out.log, task.log.slice(start, start + 5), `page from ${start}`);
        if (out.next_start !== null) {
          assertEquals(out.next_start, start + 5);
          assertStringIncludes(textOf(r), `ask again with log_start ${out.next_start}`);
        }
        pages.push(out.log);
        start = out.next_start;
      }
      assertEquals(start, null, "the last page says there is no next one");
      assertEquals(pages.flat(), task.log, "the pages together are the whole log");
      assertEquals(pages.length, Math.ceil(task.log.length / 5));
    });

    await t.step("get_task_status without log_start: the log's tail", async () => {
      const task = tasks().find((x) => x.log.length > 12)!;
      let r: any = await call(s, "get_task_status", { upid: task.upid, log_lines: 3 });
      assertEquals(r.structuredContent.log, task.log.slice(-3));
      assertEquals([r.structuredContent.log_start, r.structuredContent.next_start], [null, null]);
      r = await call(s, "get_task_status", { upid: task.upid });
      assertEquals(r.structuredContent.log, task.log.slice(-10), "ten lines by default");
      r = await call(s, "get_task_status", { upid: task.upid, log_lines: 1001 });
      assert(r.isError, "log_lines is bounded");
      assertStringIncludes(textOf(r), "log_lines");
    });

    await t.step("get_task_log, the old name, still pages (start, limit)", async () => {
      const task = tasks().find((x) => x.type === "vzdump" && x.log.length <= 10)!;
      let r: any = await call(s, "get_task_log", { upid: task.upid, start: 0, limit: 2 });
      assert(!r.isError, textOf(r));
      assertEquals(r.structuredContent.log, task.log.slice(0, 2));
      assertEquals(r.structuredContent.next_start, 2);
      r = await call(s, "get_task_log", { upid: task.upid, start: 2 });
      assertEquals(r.structuredContent.log, task.log.slice(2));
      assertEquals([r.structuredContent.log_start, r.structuredContent.next_start], [2, null]);
      r = await call(s, "get_task_log", { upid: task.upid, start: 1, log_start: 0 });
      assert(r.isError, "start and log_start at once cannot both be meant");
      assertStringIncludes(textOf(r), "log_start");
    });

    await t.step("bad UPIDs are refused before any request", async () => {
      for (const upid of ["nope", "UPID:../x:1:2:3:qmstart:100:root@pam:"]) {
        let r: any;
        const reqs = await requestsDuring(
          sim,
          async () => (r = await call(s, "get_task_status", { upid })),
        );
        assert(r.isError, upid);
        assertEquals(reqs.length, 0);
      }
    });

    await t.step("get_guest: config and status of a VM and of a container", async () => {
      const vm = sim.state.guests.get(104)!;
      let r: any = await call(s, "get_guest", { vmid: 104 });
      assert(!r.isError, textOf(r));
      let out = r.structuredContent;
      assertEquals([out.node, out.type, out.status, out.qmpstatus], [
        vm.node,
        "qemu",
        "paused",
        "paused",
      ]);
      assertEquals(out.config.cores, vm.config.cores);
      assertEquals(out.maxmem, vm.maxmem);
      assertStringIncludes(textOf(r), "VM 104 (dev01) on pve2: paused");
      const ct = sim.state.guests.get(200)!;
      r = await call(s, "get_guest", { vmid: 200 });
      out = r.structuredContent;
      assertEquals([out.type, out.name, out.ha_managed], ["lxc", ct.name, true]);
      r = await call(s, "get_guest", { vmid: 102 });
      assertEquals(r.structuredContent.lock, "backup");
      r = await call(s, "get_guest", { vmid: 200, node: "pve2" });
      assert(r.isError);
      assertStringIncludes(textOf(r), "is on node pve1, not pve2");
    });

    await t.step("reads send no mutation and match the schema", () => {
      assertEquals(mutations(sim.requests), []);
      assertRequestsValid(sim.requests);
    });
  } finally {
    await srv?.close();
    await sim.close();
  }
});
