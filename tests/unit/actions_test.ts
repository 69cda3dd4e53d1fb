/**
 * Unit tests of the action pieces that need no server: power rules, UPIDs,
 * waiting for a task, snapshot trees, confirmation and the safety checks.
 */

import { assert, assertEquals, assertThrows } from "../support/assert.ts";
import { powerDraft } from "../../src/tools/lifecycle/lifecycle_rules.ts";
import { exitOk, parseUpid, waitForTask } from "../../src/proxmox/tasks.ts";
import type { PveClient } from "../../src/proxmox/client.ts";
import { snapshotTree } from "../../src/format/snapshots.ts";
import { confirmAction } from "../../src/safety/confirm.ts";
import { type ConfirmChannel, NeedsConfirmation } from "../../src/core/confirm_channel.ts";
import { checkLock, checkProtected } from "../../src/safety/policy.ts";
import type { GuestTarget } from "../../src/safety/target.ts";

const vm = (over: Partial<GuestTarget> = {}): GuestTarget => ({
  vmid: 100,
  node: "pve1",
  type: "qemu",
  name: "web01",
  status: "running",
  lock: null,
  tags: [],
  template: false,
  ...over,
});

Deno.test("powerDraft: PVE's state rules per action", () => {
  assertEquals(powerDraft("start", vm(), {}).unchanged, "VM 100 (web01) is already running");
  assert(powerDraft("start", vm({ status: "stopped", template: true }), {}).refuse);
  assert(powerDraft("start", vm({ status: "paused" }), {}).refuse?.includes("(action resume)"));
  assertEquals(
    powerDraft("stop", vm({ status: "stopped" }), {}).unchanged,
    "VM 100 (web01) is already stopped",
  );
  assert(powerDraft("reset", vm({ status: "stopped" }), {}).refuse?.includes("not running"));
  assert(powerDraft("shutdown", vm(), {}, "paused").refuse?.includes("paused"));
  assertEquals(powerDraft("shutdown", vm(), { forceStop: true }, "paused").refuse, undefined);
  assertEquals(powerDraft("shutdown", vm(), { forceStop: true }).destructive, true);
  assertEquals(powerDraft("shutdown", vm(), {}).destructive, false);
  assertEquals(
    powerDraft("resume", vm(), {}, "running").unchanged,
    "VM 100 (web01) is already running (not paused)",
  );
  assertEquals(
    powerDraft("suspend", vm(), {}, "paused").unchanged,
    "VM 100 (web01) is already paused",
  );
  const ct = powerDraft("stop", vm({ type: "lxc", vmid: 200, name: "dns01" }), {});
  assertEquals(ct.calls[0].template, "/nodes/{node}/lxc/{vmid}/status/stop");
  assert(ct.destructive && ct.question?.includes("CT 200 (dns01)"));
  // PVE has no status/reset for containers: refused before anything is sent, naming the ways.
  const ctReset = powerDraft("reset", vm({ type: "lxc", vmid: 200, name: "dns01" }), {});
  assert(ctReset.refuse?.includes("PVE has no reset for containers"), ctReset.refuse);
  assert(ctReset.refuse?.includes("action reboot"), ctReset.refuse);
  const sd = powerDraft("shutdown", vm(), { shutdownTimeout: 30, forceStop: true });
  assertEquals([sd.calls[0].params.timeout, sd.calls[0].params.forceStop], [30, true]);
});

Deno.test("parseUpid and exitOk", () => {
  const u = parseUpid("UPID:pve1:0000A1B2:0012F3C4:6745A0B1:qmstart:100:mcp@pve!mcp:");
  assertEquals(u, {
    node: "pve1",
    pid: 0xa1b2,
    pstart: 0x12f3c4,
    starttime: 0x6745a0b1,
    type: "qmstart",
    id: "100",
    user: "mcp@pve!mcp",
  });
  assertEquals(parseUpid("UPID:../x:1:2:3:qmstart:100:root@pam:"), undefined);
  assert(exitOk("OK") && exitOk("WARNINGS: 2") && !exitOk("VM 101 already running"));
});

function fakeClient(answers: Array<Record<string, unknown>>) {
  let i = 0;
  const calls: string[] = [];
  const pve = {
    get: (template: string) => {
      calls.push(template);
      return Promise.resolve(answers[Math.min(i++, answers.length - 1)]);
    },
  } as unknown as PveClient;
  return { pve, calls };
}

const UPID = "UPID:pve1:0000A1B2:0012F3C4:6745A0B1:qmstart:100:mcp@pve!mcp:";

Deno.test("waitForTask: stops at the end, reports progress, honours timeout and abort", async () => {
  const done = fakeClient([{ status: "running" }, { status: "running" }, {
    status: "stopped",
    exitstatus: "OK",
  }]);
  const ticks: number[] = [];
  const end = await waitForTask(done.pve, UPID, {
    timeoutMs: 5000,
    intervalMs: 5,
    onPoll: ({ polls }) => void ticks.push(polls),
  });
  assertEquals([end.state, end.exitstatus, end.polls], ["stopped", "OK", 3]);
  assertEquals(ticks, [1, 2]);
  assert(done.calls.every((c) => c === "/nodes/{node}/tasks/{upid}/status"), "GETs only");

  const slow = fakeClient([{ status: "running" }]);
  const t0 = performance.now();
  const late = await waitForTask(slow.pve, UPID, { timeoutMs: 60, intervalMs: 10 });
  assertEquals(late.state, "timeout");
  assert(performance.now() - t0 < 1000);

  const ac = new AbortController();
  const gone = waitForTask(fakeClient([{ status: "running" }]).pve, UPID, {
    timeoutMs: 10_000,
    signal: ac.signal,
    intervalMs: 1000,
  });
  setTimeout(() => ac.abort(), 20);
  assertEquals((await gone).state, "cancelled");
});

Deno.test("snapshotTree: pre-order, depth, children, orphan parents, cycles", () => {
  const t = snapshotTree([
    { name: "b", parent: "a", snaptime: 2, vmstate: 1 },
    { name: "a", snaptime: 1, description: "first\n" },
    { name: "c", parent: "a", snaptime: 3 },
    { name: "x", parent: "y", snaptime: 4 },
    { name: "y", parent: "x", snaptime: 5 },
    { name: "current", parent: "c", running: 1 },
  ]);
  assertEquals(t.snapshots.map((s) => `${s.name}${s.depth}`), ["a0", "b1", "c1", "x0", "y1"]);
  assertEquals(t.snapshots[0].children, ["b", "c"]);
  assertEquals(t.snapshots[0].description, "first");
  assertEquals(t.current, { parent: "c", running: true });
});

Deno.test("confirmAction: asks when it can, uses only an answer to this question", () => {
  const base = {
    destructive: true,
    required: true,
    dryRun: false,
    confirmArg: undefined as boolean | undefined,
    channel: undefined as ConfirmChannel | undefined,
    tool: "guest_power",
    question: "Stop?",
    title: "Stop",
  };
  assertEquals(confirmAction(base).check.verdict, "fail");
  assertEquals(confirmAction(base).by, "none");
  const byModel = confirmAction({ ...base, confirmArg: true });
  assertEquals([byModel.check.verdict, byModel.by], ["pass", "model"]);
  // The client can ask: the pipeline stops with the question, whatever the model passed.
  const asked = assertThrows(
    () => confirmAction({ ...base, confirmArg: true, channel: { kind: "ask" } }),
    NeedsConfirmation,
  );
  assertEquals([asked.question, asked.title], ["Stop?", "Stop"]);
  const answer = (action: "accept" | "decline", confirmed: boolean, question = "Stop?") => ({
    kind: "answer" as const,
    answer: { action, confirmed, question },
  });
  const yes = confirmAction({ ...base, channel: answer("accept", true) });
  assertEquals([yes.check.verdict, yes.by], ["pass", "user"]);
  const no = confirmAction({ ...base, confirmArg: true, channel: answer("decline", false) });
  assertEquals(no.check.verdict, "fail", "the user's no beats the model's confirm");
  const unticked = confirmAction({ ...base, channel: answer("accept", false) });
  assertEquals(unticked.check.verdict, "fail");
  // An answer to another question (the guest changed since) is not used: ask again.
  assertThrows(
    () => confirmAction({ ...base, channel: answer("accept", true, "Stop VM 101?") }),
    NeedsConfirmation,
  );
  assertEquals(confirmAction({ ...base, required: false }).check.verdict, "pass");
  assertEquals(confirmAction({ ...base, destructive: false }).check.verdict, "pass");
  assertEquals(confirmAction({ ...base, dryRun: true }).check.verdict, "ask");
});

Deno.test("checkProtected and checkLock", () => {
  const s = { protected_vmids: [101], protected_tags: ["Protected"], confirm_destructive: true };
  assertEquals(checkProtected(vm(), s).verdict, "pass");
  assertEquals(checkProtected(vm({ vmid: 101 }), s).verdict, "fail");
  assertEquals(checkProtected(vm({ tags: ["prod", "protected"] }), s).verdict, "fail");
  assertEquals(checkLock(vm({ lock: "backup" })).verdict, "fail");
  assertEquals(checkLock(vm({ lock: "suspended" }), ["suspended"]).verdict, "pass");
});
