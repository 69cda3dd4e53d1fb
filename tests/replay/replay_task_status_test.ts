/**
 * `get_task_status` against every task the replay fixtures record: status,
 * exit status and identity as PVE answered them; the log's tail (`log_lines`)
 * and its pages (`log_start`, `next_start` walked to the end) equal to the
 * fixture's log; and where the fixture has no answer for the log request
 * (501), the status still stands with `log_error` saying why.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import {
  loadReplayFixture,
  type ReplayFixture,
  type ReplayServer,
  startReplayServer,
} from "../support/replay_server.ts";
import { callTool, fixtureData, fixtureUpids, replayContext } from "./replay_support.ts";
import type { ToolContext } from "../../src/core/context.ts";

/** The fixtures that record tasks (the others have no task endpoint at all). */
const FIXTURES = ["go-proxmox-pve7.json", "go-proxmox-pve8.json", "go-proxmox-pve9.json"];

interface TaskOut {
  upid: string;
  node: string;
  type: string;
  id: string;
  user: string;
  status: string;
  exitstatus: string | null;
  log: string[];
  log_start: number | null;
  next_start: number | null;
  log_error: string | null;
}

const nodeOf = (upid: string) => upid.split(":")[1];

/** The task's whole log as the fixture holds it: its unpaged answer, else its first page. */
function fixtureLog(fx: ReplayFixture, upid: string): string[] | undefined {
  const base = `GET /nodes/${nodeOf(upid)}/tasks/${upid}/log`;
  const rows = (fixtureData(fx, base) ?? fixtureData(fx, `${base}?limit=50&start=0`)) as
    | Array<{ t: string }>
    | undefined;
  return rows?.map((r) => r.t);
}

function expectedStatus(fx: ReplayFixture, upid: string) {
  const s = fixtureData(fx, `GET /nodes/${nodeOf(upid)}/tasks/${upid}/status`) as Record<
    string,
    string
  >;
  const exit = s.exitstatus ?? null;
  const state = s.status === "running"
    ? "running"
    : exit === "OK"
    ? "ok"
    : exit?.startsWith("WARNINGS")
    ? "warning"
    : "error";
  const [, node, , , , type, id, user] = upid.split(":");
  return {
    upid,
    node: s.node ?? node,
    type: s.type ?? type,
    id: s.id ?? id,
    user: s.user ?? user,
    status: state,
    exitstatus: s.status === "running" ? null : exit,
  };
}

/** One call, with the HTTP status the replay answered its log request with (none: undefined). */
async function ask(
  ctx: ToolContext,
  srv: ReplayServer,
  args: Record<string, unknown>,
): Promise<{ out: TaskOut; text: string; logStatus: number | undefined }> {
  const before = srv.requests.length;
  const r = await callTool(ctx, "get_task_status", args);
  assert(!r.isError, `${JSON.stringify(args)}: ${r.content[0].text}`);
  const logReqs = srv.requests.slice(before).filter((q) => /\/tasks\/[^/]+\/log\?/.test(q.key));
  assert(logReqs.length <= 1, `one log request at most: ${logReqs.map((q) => q.key)}`);
  return {
    out: r.structured as unknown as TaskOut,
    text: r.content.map((c) => c.text).join("\n"),
    logStatus: logReqs[0]?.status,
  };
}

/** A log the fixture could not answer: nothing invented, the reason given, the status kept. */
function assertUnanswered(out: TaskOut, label: string) {
  assertEquals(out.log, [], label);
  assertEquals(out.next_start, null, label);
  assertStringIncludes(String(out.log_error), "does not implement", label);
}

async function checkTask(ctx: ToolContext, srv: ReplayServer, fx: ReplayFixture, upid: string) {
  const status = expectedStatus(fx, upid);
  const full = fixtureLog(fx, upid);
  // An unpaged log answer in the fixture is paged by the replay server: every request is served.
  const alwaysServed =
    fixtureData(fx, `GET /nodes/${nodeOf(upid)}/tasks/${upid}/log`) !== undefined;

  for (const lines of [0, 1, 2, 10]) {
    const label = `${upid} tail ${lines}`;
    const { out, logStatus } = await ask(ctx, srv, { upid, log_lines: lines });
    const { log: _l, log_start: _s, next_start: _n, log_error: _e, ...identity } = out;
    for (const [k, v] of Object.entries(status)) {
      assertEquals(identity[k as keyof typeof identity], v, `${label}: ${k}`);
    }
    assertEquals([out.log_start, out.next_start], [null, null], label);
    if (lines === 0) {
      assertEquals([out.log, logStatus], [[], undefined], `${label}: no log asked, none read`);
    } else if (logStatus === 200) {
      assertEquals(out.log, full!.slice(-lines), label);
      assertEquals(out.log_error, null, label);
    } else {
      assert(!alwaysServed, `${label}: the fixture has this log, yet it was answered ${logStatus}`);
      assertUnanswered(out, label);
    }
  }

  for (const size of [1, 2, 50]) {
    const label = `${upid} pages of ${size}`;
    const read: string[] = [];
    let start: number | null = 0;
    for (let page = 0; start !== null; page++) {
      assert(page <= (full?.length ?? 0) + 1, `${label}: paging ends`);
      const { out, text, logStatus } = await ask(ctx, srv, {
        upid,
        log_start: start,
        log_lines: size,
      });
      assertEquals(out.log_start, start, `${label}: log_start echoes`);
      assertEquals(out.status, status.status, `${label}: the status stands`);
      if (logStatus !== 200) {
        assert(!alwaysServed, `${label}: answered ${logStatus}`);
        assertUnanswered(out, label);
        break;
      }
      assert(out.log.length <= size, `${label}: at most log_lines lines`);
      read.push(...out.log);
      const next: number | null = out.log.length === size ? start + size : null;
      assertEquals(out.next_start, next, `${label}: next_start from ${start}`);
      if (next !== null) assertStringIncludes(text, `ask again with log_start ${next}`);
      start = out.next_start;
      if (start === null) assertEquals(read, full, `${label}: the pages make the whole log`);
    }
  }

  if (alwaysServed) {
    const past = await ask(ctx, srv, { upid, log_start: full!.length + 5, log_lines: 10 });
    assertEquals([past.out.log, past.out.next_start, past.out.log_error], [[], null, null]);
  }
}

for (const name of FIXTURES) {
  const fx = await loadReplayFixture(name);
  if (!fx) {
    Deno.test({ name: `replay ${name}: get_task_status`, ignore: true, fn() {} });
    console.warn(`replay ${name}: skipped, ../shared/pve/replay/${name} is absent`);
    continue;
  }
  Deno.test(`replay ${name}: get_task_status, tail and pages, every recorded task`, async () => {
    const srv = await startReplayServer(fx);
    const ctx = await replayContext(srv);
    try {
      const upids = fixtureUpids(fx);
      assert(upids.length >= 3, `${name} records tasks`);
      // The point of the fixture: a running task, one ended OK and one failed, all read right.
      const states = new Set(upids.map((u) => expectedStatus(fx, u).status));
      assertEquals([...states].sort(), ["error", "ok", "running"]);
      assert(upids.some((u) => fixtureLog(fx, u)?.length), `${name} records a task log`);
      for (const upid of upids) await checkTask(ctx, srv, fx, upid);
    } finally {
      ctx.permissions?.stop();
      ctx.pve.close();
      await srv.close();
    }
  });
}
