/**
 * The MCP task table: ownership by owner and session, TTL clamping and
 * expiry, the size bound, and the cancel hook the SDK never calls itself.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { TaskTable } from "../../src/mcp_tasks/store.ts";

const TASK_REQ = { method: "tools/call", params: { name: "x", task: { ttl: 5_000 } } };
const PLAIN_REQ = { method: "tools/call", params: { name: "x" } };

Deno.test("task store: another owner or session never sees a task", async () => {
  const table = new TaskTable();
  try {
    const alice = table.forOwner("alice");
    const t = await alice.createTask({ ttl: 5_000 }, 1, TASK_REQ, "s1");
    assertEquals((await alice.getTask(t.taskId, "s1"))?.status, "working");
    assertEquals(await alice.getTask(t.taskId, "s2"), null, "other session");
    assertEquals(await alice.getTask(t.taskId), null, "no session");
    assertEquals(await table.forOwner("bob").getTask(t.taskId, "s1"), null, "other owner");
    assertEquals((await table.forOwner("bob").listTasks(undefined, "s1")).tasks.length, 0);
    let err = "";
    await table.forOwner("bob").updateTaskStatus(t.taskId, "cancelled", undefined, "s1")
      .catch((e) => (err = String(e)));
    assert(err.includes("not found"), "bob cannot cancel alice's task");
    assertEquals((await alice.getTask(t.taskId, "s1"))?.status, "working");
  } finally {
    table.close();
  }
});

Deno.test("task store: ids are random, TTL clamped, cancel hook fires once", async () => {
  const table = new TaskTable({ minTtlMs: 1_000, maxTtlMs: 10_000, defaultTtlMs: 7_000 });
  try {
    const s = table.forOwner("o");
    const a = await s.createTask({ ttl: 5 }, 1, TASK_REQ);
    const b = await s.createTask({ ttl: 99_999_999 }, 2, TASK_REQ);
    const c = await s.createTask({}, 3, TASK_REQ);
    assert(a.taskId !== b.taskId && /^[0-9a-f]{32}$/.test(a.taskId));
    assertEquals([a.ttl, b.ttl, c.ttl], [1_000, 10_000, 7_000]);
    let fired = 0;
    s.onCancel(a.taskId, () => fired++);
    await s.updateTaskStatus(a.taskId, "cancelled");
    assertEquals(fired, 1);
    let err = "";
    await s.updateTaskStatus(a.taskId, "cancelled").catch((e) => (err = String(e)));
    assert(err.includes("already ended"));
    s.attachResult(a.taskId, { content: [] });
    assertEquals(await s.getTaskResult(a.taskId), { content: [] });
    assertEquals((await s.getTask(a.taskId))?.status, "cancelled");
  } finally {
    table.close();
  }
});

Deno.test("task store: a finished task expires after its TTL", async () => {
  const table = new TaskTable({ minTtlMs: 50 });
  try {
    const s = table.forOwner("o");
    const t = await s.createTask({ ttl: 100 }, 1, TASK_REQ);
    await s.storeTaskResult(t.taskId, "completed", { content: [] });
    await new Promise((r) => setTimeout(r, 150));
    assertEquals(await s.getTask(t.taskId), null);
    // A task still working at its deadline is kept until it ends, then for one more TTL.
    const w = await s.createTask({ ttl: 100 }, 2, TASK_REQ);
    await new Promise((r) => setTimeout(r, 150));
    assertEquals((await s.getTask(w.taskId))?.status, "working");
    await s.storeTaskResult(w.taskId, "completed", { content: [] });
    assertEquals((await s.getTask(w.taskId))?.status, "completed");
    await new Promise((r) => setTimeout(r, 150));
    assertEquals(await s.getTask(w.taskId), null);
  } finally {
    table.close();
  }
});

Deno.test("task store: bounded; oldest finished task evicted; all working refused", async () => {
  const table = new TaskTable({ maxTasks: 2 });
  try {
    const s = table.forOwner("o");
    const a = await s.createTask({}, 1, TASK_REQ);
    await s.storeTaskResult(a.taskId, "completed", { content: [] });
    const b = await s.createTask({}, 2, TASK_REQ);
    await s.createTask({}, 3, TASK_REQ);
    assertEquals(table.size, 2);
    assertEquals(await s.getTask(a.taskId), null, "the finished one made room");
    assertEquals((await s.getTask(b.taskId))?.status, "working");
    let err = "";
    await s.createTask({}, 4, TASK_REQ).catch((e) => (err = String(e)));
    assert(err.includes("too many MCP tasks"), err);
  } finally {
    table.close();
  }
});

Deno.test("task store: a plain call's internal task is dropped once read, and not listed", async () => {
  const table = new TaskTable();
  try {
    const s = table.forOwner("o");
    const t = await s.createTask({}, 1, PLAIN_REQ);
    assertEquals(s.isAugmented(t.taskId), false);
    assertEquals((await s.listTasks()).tasks.length, 0);
    await s.storeTaskResult(t.taskId, "completed", { content: [] });
    await s.getTaskResult(t.taskId);
    assertEquals(table.size, 0);
  } finally {
    table.close();
  }
});
