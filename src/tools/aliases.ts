/**
 * The names of the first release's tools that are now one action of a
 * merged tool (`stop_vm` is `guest_power` with `action: "stop"`). They are not
 * listed — the model sees only the merged tools — but a call by an old name
 * (a saved prompt, a script using `proxmox-mcp call`) still works: it becomes
 * the merged tool with the fixed arguments, so every check, confirmation and
 * audit line is the merged tool's. Read-only mode, disabled toolsets and
 * disabled tools apply to the merged tool, so an old name never reaches a
 * tool that is not offered.
 *
 * @example
 * ```ts
 * import { resolveAlias } from "./aliases.ts";
 * console.log(resolveAlias("stop_vm", { vmid: 100 }));
 * // { name: "guest_power", args: { vmid: 100, action: "stop" }, alias: "stop_vm" }
 * ```
 *
 * @module
 */

import type { z } from "zod/v4";
import type { AnyTool } from "../core/tool.ts";

interface Alias {
  tool: string;
  /** Arguments the old name implies. */
  fixed?: Record<string, string>;
  /** Old argument name → new one. */
  rename?: Record<string, string>;
  /** The old tool's defaults where the new one's differ (after renaming). */
  defaults?: Record<string, unknown>;
}

const power = (action: string): Alias => ({ tool: "guest_power", fixed: { action } });
const snap = (action: string): Alias => ({ tool: "guest_snapshot", fixed: { action } });

/** Old tool name → what it is now. */
export const TOOL_ALIASES: Readonly<Record<string, Alias>> = {
  start_vm: power("start"),
  stop_vm: power("stop"),
  shutdown_vm: power("shutdown"),
  reboot_vm: power("reboot"),
  reset_vm: power("reset"),
  suspend_vm: power("suspend"),
  resume_vm: power("resume"),
  start_container: power("start"),
  stop_container: power("stop"),
  shutdown_container: power("shutdown"),
  reboot_container: power("reboot"),
  suspend_container: power("suspend"),
  resume_container: power("resume"),
  create_snapshot: snap("create"),
  rollback_snapshot: snap("rollback"),
  delete_snapshot: snap("delete"),
  get_containers: { tool: "get_vms", fixed: { type: "lxc" } },
  // get_task_log paged from the first line, 50 lines a page; get_task_status's default is the tail.
  get_task_log: {
    tool: "get_task_status",
    rename: { start: "log_start", limit: "log_lines" },
    defaults: { log_start: 0, log_lines: 50 },
  },
};

/** A call after alias resolution. */
export interface ResolvedCall {
  name: string;
  args: unknown;
  /** The old name called, when it was one. */
  alias?: string;
}

/** Tells whether two values of one argument of a tool mean the same (`"Stop"` and `"stop"`). */
export type SameValue = (tool: string, key: string, a: unknown, b: unknown) => boolean;

const strictlyEqual: SameValue = (_tool, _key, a, b) => a === b;

/**
 * Values the same once the tool's own argument schema has parsed them (`"Stop"`, `"stop"`).
 * A tool `offered` does not know is no conflict: the call is refused as an unknown tool then.
 */
export function sameOnceParsed(offered: (tool: string) => AnyTool | undefined): SameValue {
  return (tool, key, a, b) => {
    const field = offered(tool)?.input[key] as z.ZodType | undefined;
    if (!field) return true;
    const pa = field.safeParse(a), pb = field.safeParse(b);
    return pa.success && pb.success && pa.data === pb.data;
  };
}

/**
 * The merged tool and arguments an old name stands for (a name that is no alias comes back as
 * it is). An argument that contradicts the old name (`stop_vm` with `action: "start"`) is
 * refused with {@linkcode AliasConflict}: which one was meant cannot be known. `same` decides
 * what contradicts: the caller passes the tool's own parsing, so `"Stop"` or a synonym agrees.
 */
export function resolveAlias(
  name: string,
  args: unknown,
  same: SameValue = strictlyEqual,
): ResolvedCall {
  const alias = TOOL_ALIASES[name];
  if (!alias || (args !== undefined && (typeof args !== "object" || Array.isArray(args)))) {
    return { name, args };
  }
  const given = { ...(args as Record<string, unknown> | undefined) };
  for (const [from, to] of Object.entries(alias.rename ?? {})) {
    if (from in given) {
      if (to in given) throw new AliasConflict(name, alias.tool, to);
      given[to] = given[from];
      delete given[from];
    }
  }
  for (const [key, value] of Object.entries(alias.defaults ?? {})) given[key] ??= value;
  for (const [key, value] of Object.entries(alias.fixed ?? {})) {
    if (key in given && !same(alias.tool, key, given[key], value)) {
      throw new AliasConflict(name, alias.tool, key);
    }
    given[key] = value;
  }
  return { name: alias.tool, args: given, alias: name };
}

/** An old name called with an argument that says otherwise. */
export class AliasConflict extends Error {
  constructor(alias: string, tool: string, key: string) {
    super(
      `${alias} is ${tool} with ${key} fixed; call ${tool} itself to choose ${key}. ` +
        "Nothing was done.",
    );
    this.name = "AliasConflict";
  }
}

/**
 * The actions of `tool` that `tools.disabled_tools` switches off by their old names
 * (`stop_vm` or `stop_container` → guest_power's stop, for every guest: one old name is
 * enough, so a switch never leaves a way around it).
 */
export function disabledActions(tool: string, disabledTools: readonly string[]): Set<string> {
  const off = new Set<string>();
  for (const name of disabledTools) {
    const alias = TOOL_ALIASES[name];
    const action = alias?.fixed?.action;
    if (alias?.tool === tool && action) off.add(action);
  }
  return off;
}

/** Old names `tools.disabled_tools` takes: those that stand for one action of a merged tool. */
export function actionAliasNames(): string[] {
  return Object.entries(TOOL_ALIASES).filter(([, a]) => a.fixed?.action).map(([n]) => n);
}
