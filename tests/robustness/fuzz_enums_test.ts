/**
 * The merged tools' choosing arguments, value by value over stdio: `action` of
 * guest_power and guest_snapshot, `type` and `sort` of get_vms, `log_start` and
 * `log_lines` of get_task_status. Every canonical value, case variant and
 * synonym acts as its canonical value (power and snapshot as dry runs whose
 * plan names it, nothing sent); the edges of each range hold; hostile values
 * (near misses, padding, injection, prototype names, wrong types, huge strings)
 * are refused naming the field and what is allowed, before any API request.
 * fuzz_test.ts draws random cases for every tool; this one enumerates.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { call, type ServerUnderTest, startServer, textOf } from "../support/harness.ts";
import { HOSTILE_NUMBERS, HOSTILE_STRINGS, WRONG_TYPES } from "../support/fuzz.ts";
import { assertRequestsValid } from "../support/schema_check.ts";
import { demoCluster, type Simulator, startSimulator } from "../../src/simulator/mod.ts";
import type { GuestModel } from "../../src/simulator/state.ts";
import { simActions } from "../../src/simulator/actions.ts";
import { assertHealthy, assertInTemplates } from "./helpers.ts";

type Args = Record<string, unknown>;

/** Near misses of `word`, then every generic hostile value: none may be taken. */
function hostile(word: string): unknown[] {
  const near = [
    `${word.toUpperCase()}X`,
    ` ${word}`,
    `${word} `,
    `${word}\n`,
    `${word}\u0000`,
    word.slice(0, -1),
    `${word};reboot`,
    `${word}&force=1`,
    `../${word}`,
    `\u0455${word.slice(1)}`, // Cyrillic s/ѕ look-alike in front
    "__proto__",
    "constructor",
    "toString",
    "hasOwnProperty",
  ];
  return [...near, ...HOSTILE_STRINGS, ...WRONG_TYPES.filter((v) => typeof v !== "string")];
}

async function refused(
  srv: ServerUnderTest,
  sim: Simulator,
  tool: string,
  args: Args,
  field: string,
  allowed: string,
) {
  const before = sim.requests.length;
  const r = await call(srv, tool, args);
  const label = `${tool} ${JSON.stringify(args).slice(0, 80)}`;
  const text = textOf(r);
  assert(r.isError, `${label}: must be refused, got ${text.slice(0, 200)}`);
  assertStringIncludes(text, `${field}: `, label);
  if (allowed) assertStringIncludes(text, allowed, label);
  assertStringIncludes(text, "Nothing was done.", label);
  assert(text.length < 1000, `${label}: the refusal does not echo a huge value`);
  assertEquals(sim.requests.length - before, 0, `${label}: no API request`);
}

/** A dry run that must plan exactly `method path`, and send nothing that changes. */
async function plans(
  srv: ServerUnderTest,
  sim: Simulator,
  tool: string,
  args: Args,
  method: string,
  path: string,
) {
  const before = sim.requests.length;
  const r = await call(srv, tool, { ...args, dry_run: true });
  const label = `${tool} ${JSON.stringify(args)}`;
  assert(!r.isError, `${label}: ${textOf(r)}`);
  const s = r.structuredContent as { tool: string; result: string; plan: Args[] };
  assertEquals([s.tool, s.result], [tool, "dry-run"], label);
  assertEquals(s.plan.map((p) => `${p.method} ${p.path}`), [`${method} ${path}`], label);
  assert(sim.requests.slice(before).every((q) => q.method === "GET"), `${label}: only reads`);
}

function guestWhere(sim: Simulator, type: string, status: string, pred = (_: GuestModel) => true) {
  const g = [...sim.state.guests.values()].find((g) =>
    g.type === type && g.status === status && !g.template && !g.lock &&
    !(g.tags ?? "").includes("protected") && sim.state.nodes.get(g.node)?.online && pred(g)
  );
  assert(g, `the demo cluster has a ${status} ${type}`);
  return g;
}

const POWER = ["start", "shutdown", "reboot", "stop", "reset", "suspend", "resume"];
const POWER_WORDS: Record<string, string> = {
  ...Object.fromEntries(POWER.flatMap((a) => [[a, a], [a.toUpperCase(), a]])),
  Shutdown: "shutdown",
  rEbOoT: "reboot",
  restart: "reboot",
  boot: "start",
  poweron: "start",
  power_on: "start",
  pause: "suspend",
  unpause: "resume",
  continue: "resume",
  hard_stop: "stop",
  hard_reset: "reset",
};
const SNAP_WORDS: Record<string, string> = {
  create: "create",
  CREATE: "create",
  take: "create",
  rollback: "rollback",
  Rollback: "rollback",
  revert: "rollback",
  delete: "delete",
  DELETE: "delete",
  remove: "delete",
};
const TYPE_WORDS: Record<string, string> = {
  qemu: "qemu",
  QEMU: "qemu",
  vm: "qemu",
  VMs: "qemu",
  kvm: "qemu",
  lxc: "lxc",
  Lxc: "lxc",
  container: "lxc",
  Containers: "lxc",
  ct: "lxc",
  CT: "lxc",
};
const SORT_WORDS: Record<string, string> = {
  vmid: "vmid",
  id: "vmid",
  name: "name",
  Name: "name",
  cpu: "cpu",
  CPU: "cpu",
  mem: "mem",
  memory: "mem",
  ram: "mem",
  disk: "disk",
  uptime: "uptime",
  UPTIME: "uptime",
};

Deno.test("fuzz: action, type, sort and log_start take every spelling they name, refuse the rest", async (t) => {
  const sim = await startSimulator({ cluster: demoCluster() });
  simActions(sim.state).durationMs = 20;
  const srv = await startServer({ sim });
  try {
    const vmOn = guestWhere(sim, "qemu", "running");
    const vmOff = guestWhere(sim, "qemu", "stopped");
    const vmPaused = guestWhere(sim, "qemu", "paused");
    const ctOn = guestWhere(sim, "lxc", "running");
    const ctOff = guestWhere(sim, "lxc", "stopped");
    const snapped = guestWhere(sim, "qemu", "running", (g) => g.snapshots.length > 0);

    await t.step(
      "guest_power action: every spelling, both kinds; hostile values refused",
      async () => {
        const on = (
          g: GuestModel,
          a: string,
        ) => (a === "start" ? (g === vmOn ? vmOff : ctOff) : a === "resume" ? vmPaused : g);
        for (const [word, act] of Object.entries(POWER_WORDS)) {
          for (const kind of [vmOn, ctOn]) {
            if (kind === ctOn && act === "resume") continue; // no suspended container to resume
            const g = on(kind, act);
            if (g.type === "lxc" && act === "reset") continue; // refused below
            await plans(
              srv,
              sim,
              "guest_power",
              { action: word, vmid: g.vmid },
              "POST",
              `/nodes/${g.node}/${g.type}/${g.vmid}/status/${act}`,
            );
          }
          // Options of one action only, given with another: refused naming the canonical action.
          if (act !== "shutdown") {
            const r = await call(srv, "guest_power", {
              action: word,
              vmid: vmOn.vmid,
              shutdown_timeout_s: 0,
            });
            assert(r.isError);
            assertStringIncludes(
              textOf(r),
              `applies to action shutdown only, not ${act}. Nothing was done.`,
            );
          }
        }
        const reset = await call(srv, "guest_power", {
          action: "Hard_Reset",
          vmid: ctOn.vmid,
          confirm: true,
        });
        assert(reset.isError);
        assertStringIncludes(textOf(reset), "PVE has no reset for containers");
        for (const s of [0, 3600]) {
          await plans(
            srv,
            sim,
            "guest_power",
            { action: "shutdown", vmid: vmOn.vmid, shutdown_timeout_s: s, force_stop: true },
            "POST",
            `/nodes/${vmOn.node}/qemu/${vmOn.vmid}/status/shutdown`,
          );
        }
        for (const s of [-1, 3601, 0.5]) {
          await refused(
            srv,
            sim,
            "guest_power",
            { action: "shutdown", vmid: vmOn.vmid, shutdown_timeout_s: s },
            "shutdown_timeout_s",
            "",
          );
        }
        await refused(
          srv,
          sim,
          "guest_power",
          { vmid: vmOn.vmid },
          "action",
          `required, one of ${POWER.join(", ")}`,
        );
        for (const v of hostile("start")) {
          await refused(
            srv,
            sim,
            "guest_power",
            { action: v, vmid: vmOn.vmid },
            "action",
            `one of ${POWER.join(", ")}`,
          );
        }
      },
    );

    await t.step("guest_snapshot action: every spelling; hostile values refused", async () => {
      const base = `/nodes/${snapped.node}/qemu/${snapped.vmid}/snapshot`;
      const snap = snapped.snapshots[0].name;
      for (const [word, act] of Object.entries(SNAP_WORDS)) {
        const args = {
          action: word,
          vmid: snapped.vmid,
          snapname: act === "create" ? "fuzz_new" : snap,
        };
        if (act === "create") await plans(srv, sim, "guest_snapshot", args, "POST", base);
        if (act === "rollback") {
          await plans(srv, sim, "guest_snapshot", args, "POST", `${base}/${snap}/rollback`);
        }
        if (act === "delete") {
          await plans(srv, sim, "guest_snapshot", args, "DELETE", `${base}/${snap}`);
        }
        const only = act === "rollback"
          ? { vmstate: true, need: "create" }
          : { start: true, need: "rollback" };
        const { need, ...extra } = only;
        const r = await call(srv, "guest_snapshot", { ...args, ...extra });
        assert(r.isError);
        assertStringIncludes(
          textOf(r),
          `applies to action ${need} only, not ${act}. Nothing was done.`,
        );
      }
      for (const v of hostile("create")) {
        await refused(
          srv,
          sim,
          "guest_snapshot",
          { action: v, vmid: snapped.vmid, snapname: snap },
          "action",
          "one of create, rollback, delete",
        );
      }
    });

    await t.step(
      "get_vms type and sort: every spelling selects and orders; hostile refused",
      async () => {
        const all = [...sim.state.guests.values()];
        for (const [word, type] of Object.entries(TYPE_WORDS)) {
          const r = await call(srv, "get_vms", { type: word, limit: 1000 });
          const rows =
            (r.structuredContent as { guests: Array<{ vmid: number; type: string }> }).guests;
          assertEquals(
            rows.map((g) => g.vmid).sort(),
            all.filter((g) => g.type === type).map((g) => g.vmid).sort(),
            `type ${word}`,
          );
          assert(rows.every((g) => g.type === type), `type ${word}`);
        }
        for (const [word, sort] of Object.entries(SORT_WORDS)) {
          const r = await call(srv, "get_vms", { sort: word, limit: 1000 });
          const rows =
            (r.structuredContent as { guests: Array<Record<string, number | string | null>> })
              .guests;
          assertEquals(rows.length, all.length, `sort ${word}`);
          for (let i = 1; i < rows.length; i++) {
            const [a, b] = [rows[i - 1], rows[i]];
            const ok = sort === "vmid"
              ? (a.vmid as number) < (b.vmid as number)
              : sort === "name"
              ? String(a.name ?? "").toLowerCase().localeCompare(
                String(b.name ?? "").toLowerCase(),
                "en",
                { numeric: true },
              ) <= 0
              : b[sort] === null ||
                (a[sort] !== null && (a[sort] as number) >= (b[sort] as number));
            assert(ok, `sort ${word}: ${a.vmid} before ${b.vmid}`);
          }
          const top = await call(srv, "get_vms", { sort: word, limit: 1 });
          const s = top.structuredContent as {
            guests: Array<{ vmid: number }>;
            next_offset: number;
          };
          assertEquals([s.guests[0].vmid, s.next_offset], [rows[0].vmid, 1], `top 1 by ${word}`);
        }
        for (const v of hostile("cpu")) {
          await refused(
            srv,
            sim,
            "get_vms",
            { sort: v },
            "sort",
            "one of vmid, name, cpu, mem, disk, uptime",
          );
        }
        for (const v of [...hostile("qemu"), "node", "storage", "qemu,lxc", "openvz"]) {
          await refused(srv, sim, "get_vms", { type: v }, "type", "one of qemu, lxc");
        }
        for (const limit of [0, 1001]) {
          await refused(srv, sim, "get_vms", { sort: "cpu", limit }, "limit", "");
        }
      },
    );

    await t.step(
      "get_task_status log_start and log_lines: pages at every edge; hostile refused",
      async () => {
        const lines = Array.from({ length: 7 }, (_, i) => `fuzz line ${i + 1}`);
        simActions(sim.state).next.push({ log: lines });
        const started = await call(srv, "guest_power", { action: "start", vmid: ctOff.vmid });
        const upid = (started.structuredContent as { upid: string }).upid;
        assert(!started.isError && upid, textOf(started));
        const whole = await call(srv, "get_task_status", { upid, log_start: 0, log_lines: 1000 });
        const log = (whole.structuredContent as { log: string[] }).log;
        assertEquals(log.slice(0, lines.length), lines, "the whole log from line 0");
        const starts = [0, 1, log.length - 1, log.length, log.length + 1, ...HOSTILE_NUMBERS];
        for (const start of starts) {
          for (const n of [0, 1, 3, 1000]) {
            const args = { upid, log_start: start, log_lines: n };
            if (!Number.isSafeInteger(start) || start < 0) {
              await refused(srv, sim, "get_task_status", args, "log_start", "");
              continue;
            }
            const r = await call(srv, "get_task_status", args);
            assert(!r.isError, `${JSON.stringify(args)}: ${textOf(r)}`);
            const s = r.structuredContent as {
              log: string[];
              log_start: number;
              next_start: number | null;
            };
            const page = n ? log.slice(start, start + n) : [];
            assertEquals([s.log, s.log_start], [page, start || 0], JSON.stringify(args));
            assertEquals(
              s.next_start,
              n && page.length === n ? start + n : null,
              JSON.stringify(args),
            );
          }
        }
        for (const v of [...WRONG_TYPES, "0", "1", "abc"]) {
          if (typeof v === "number") {
            continue;
          }
          await refused(srv, sim, "get_task_status", { upid, log_start: v }, "log_start", "");
        }
        for (const n of [-1, 1001, 0.5, "10", null]) {
          await refused(
            srv,
            sim,
            "get_task_status",
            { upid, log_start: 0, log_lines: n },
            "log_lines",
            "",
          );
        }
      },
    );

    await assertHealthy(srv, sim, "the enum fuzz");
    assertInTemplates(sim.requests, "(enum fuzz)");
    assertRequestsValid(sim.requests.filter((q) => q.status !== 0));
  } finally {
    await srv.close();
    await sim.close();
  }
});
