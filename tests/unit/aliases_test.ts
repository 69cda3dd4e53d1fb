import { assertEquals, assertThrows } from "../support/assert.ts";
import {
  actionAliasNames,
  AliasConflict,
  disabledActions,
  resolveAlias,
  sameOnceParsed,
  TOOL_ALIASES,
} from "../../src/tools/aliases.ts";
import { ALL_TOOLS } from "../../src/tools/index.ts";
import { POWER_ACTIONS } from "../../src/tools/lifecycle/lifecycle.ts";
import { SNAPSHOT_ACTIONS } from "../../src/tools/snapshots/snapshots.ts";
import type { z } from "zod/v4";

const byName = new Map(ALL_TOOLS.map((t) => [t.name, t]));

Deno.test("every alias names a real tool, is no tool itself, and its fixed arguments validate", () => {
  for (const [old, alias] of Object.entries(TOOL_ALIASES)) {
    assertEquals(byName.has(old), false, `${old} is both a tool and an alias`);
    const tool = byName.get(alias.tool);
    if (!tool) throw new Error(`${old} → ${alias.tool}: no such tool`);
    for (const [k, v] of Object.entries(alias.fixed ?? {})) {
      const field = (tool.input as Record<string, z.ZodType>)[k];
      if (!field) throw new Error(`${old}: ${alias.tool} has no argument ${k}`);
      assertEquals(field.safeParse(v).success, true, `${old}: ${k}=${v} is refused`);
    }
    for (const to of Object.values(alias.rename ?? {})) {
      assertEquals(to in tool.input, true, `${old}: ${alias.tool} has no argument ${to}`);
    }
  }
});

Deno.test("the 13 power tools and 3 snapshot changes of the first release map to one action each", () => {
  const power = Object.entries(TOOL_ALIASES).filter(([, a]) => a.tool === "guest_power");
  assertEquals(power.length, 13);
  const actions = new Set(power.map(([, a]) => a.fixed?.action));
  assertEquals([...actions].sort(), [...POWER_ACTIONS].sort());
  // No reset_container: PVE has none, and the first release had none.
  assertEquals("reset_container" in TOOL_ALIASES, false);
  const snaps = Object.entries(TOOL_ALIASES).filter(([, a]) => a.tool === "guest_snapshot");
  assertEquals(snaps.map(([, a]) => a.fixed?.action).sort(), [...SNAPSHOT_ACTIONS].sort());
});

Deno.test("resolveAlias: fixed arguments added, renamed ones moved, other names untouched", () => {
  assertEquals(resolveAlias("stop_vm", { vmid: 100, confirm: true }), {
    name: "guest_power",
    args: { vmid: 100, confirm: true, action: "stop" },
    alias: "stop_vm",
  });
  assertEquals(resolveAlias("get_task_log", { upid: "U", start: 5, limit: 20 }).args, {
    upid: "U",
    log_start: 5,
    log_lines: 20,
  });
  // get_task_log paged from line 0, 50 a page: its defaults, not get_task_status's tail.
  assertEquals(resolveAlias("get_task_log", { upid: "U", limit: 2 }).args, {
    upid: "U",
    log_lines: 2,
    log_start: 0,
  });
  assertEquals(resolveAlias("get_containers", undefined).args, { type: "lxc" });
  assertEquals(resolveAlias("get_nodes", { a: 1 }), { name: "get_nodes", args: { a: 1 } });
  // Not an object: left for the tool's own validation to refuse.
  assertEquals(resolveAlias("stop_vm", [1]).name, "stop_vm");
});

Deno.test("resolveAlias: an argument that contradicts the old name is refused, naming both", () => {
  const e = assertThrows(
    () => resolveAlias("stop_vm", { vmid: 100, action: "start" }),
    AliasConflict,
  );
  assertEquals(e.message.includes("stop_vm") && e.message.includes("guest_power"), true);
  assertThrows(() => resolveAlias("get_containers", { type: "qemu" }), AliasConflict);
  assertThrows(
    () => resolveAlias("get_task_log", { upid: "U", start: 1, log_start: 2 }),
    AliasConflict,
  );
  // The same value is no contradiction.
  assertEquals(resolveAlias("stop_vm", { vmid: 1, action: "stop" }).args, {
    vmid: 1,
    action: "stop",
  });
});

Deno.test("sameOnceParsed: case and synonyms agree with the old name; other values do not", () => {
  const same = sameOnceParsed((t) => byName.get(t));
  assertEquals(resolveAlias("stop_vm", { vmid: 1, action: "Stop" }, same).args, {
    vmid: 1,
    action: "stop",
  });
  assertEquals(resolveAlias("reboot_vm", { vmid: 1, action: "restart" }, same).name, "guest_power");
  assertThrows(() => resolveAlias("reboot_vm", { vmid: 1, action: "reset" }, same), AliasConflict);
  // A merged tool that is not offered is no conflict: the call is refused as unknown instead.
  const none = sameOnceParsed(() => undefined);
  assertEquals(resolveAlias("stop_vm", { action: "start" }, none).name, "guest_power");
});

Deno.test("disabledActions: one old name switches its action off, other tools and names ignored", () => {
  assertEquals([...disabledActions("guest_power", ["stop_container", "get_nodes"])], ["stop"]);
  assertEquals([...disabledActions("guest_power", ["stop_vm", "stop_container"])], ["stop"]);
  assertEquals([...disabledActions("guest_snapshot", ["stop_vm", "delete_snapshot"])], [
    "delete",
  ]);
  // get_containers fixes a type, not an action: it switches off nothing (config validation
  // refuses it with the names that work).
  assertEquals(disabledActions("get_vms", ["get_containers"]).size, 0);
  assertEquals(actionAliasNames().includes("get_containers"), false);
  assertEquals(actionAliasNames().includes("reset_vm"), true);
});
