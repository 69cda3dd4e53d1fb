/**
 * Names in the configuration that refer to tools: `tools.disabled_toolsets`
 * (toolset names), `tools.disabled_tools` (tool names) and `safety.snapshot_before` (action keys such as
 * `rollback`, or tool names). The config schema cannot know them (it sits
 * below the tools), so they are checked here once the tool list is known: a
 * misspelt `"lifecyle"` would otherwise disable nothing, silently.
 *
 * @example
 * ```ts
 * import { toolNameProblems } from "./config_names.ts";
 * const problems = toolNameProblems({
 *   tools: { disabled_toolsets: ["lifecyle"] },
 *   safety: { snapshot_before: ["rolback"] },
 * });
 * console.log(problems.map((p) => p.message.split(":")[0]));
 * // [ '"lifecyle" is not a toolset', '"rolback" is not an action or tool' ]
 * ```
 *
 * @module
 */

import { closest, ConfigError, type ConfigProblem } from "../config/errors.ts";
import { isMutating } from "../core/tool.ts";
import { safetyKey } from "../safety/safety_snapshot.ts";
import { ALL_TOOLS, TOOLSETS } from "./index.ts";
import { actionAliasNames } from "./aliases.ts";

/** The parts of a configuration this checks. */
export interface ToolNameSettings {
  tools: { disabled_toolsets: readonly string[]; disabled_tools?: readonly string[] };
  safety: { snapshot_before?: readonly string[] };
}

/** Action keys and tool names `safety.snapshot_before` may name: the mutating tools'. */
export function snapshotActionNames(): string[] {
  const mutating = ALL_TOOLS.filter(isMutating);
  // Old names (rollback_snapshot, stop_vm) still work: they match their action's key.
  return [...new Set([...actionKeys(), ...mutating.map((t) => t.name), ...actionAliasNames()])]
    .sort();
}

/** The short action keys: a tool's own list (guest_power: start, stop, …), else its name's. */
function actionKeys(): string[] {
  const keys = ALL_TOOLS.filter(isMutating).flatMap((t) => t.safetyKeys ?? [safetyKey(t.name)]);
  return [...new Set(keys)].sort();
}

function unknown(
  path: string,
  list: readonly string[],
  known: readonly string[],
  what: string,
  shown: readonly string[] = known,
): ConfigProblem[] {
  return list.flatMap((name, i) => {
    if (known.includes(name)) return [];
    const hint = closest(name, known);
    return [{
      path: `${path}.${i}`,
      message: `"${name}" is not ${what}${hint ? `: did you mean "${hint}"?` : ""} ` +
        `(known: ${shown.join(", ")})`,
    }];
  });
}

/** Every toolset or action name in the configuration that names nothing. */
export function toolNameProblems(config: ToolNameSettings): ConfigProblem[] {
  return [
    ...unknown("tools.disabled_toolsets", config.tools.disabled_toolsets, TOOLSETS, "a toolset"),
    ...unknown(
      "tools.disabled_tools",
      config.tools.disabled_tools ?? [],
      // An old name of one action (stop_vm) switches off that action of the merged tool.
      [...ALL_TOOLS.map((t) => t.name), ...actionAliasNames()],
      "a tool",
      ["the names `proxmox-mcp tools` lists, or an old name of one action such as stop_vm"],
    ),
    ...unknown(
      "safety.snapshot_before",
      config.safety.snapshot_before ?? [],
      snapshotActionNames(),
      "an action or tool",
      // The short action keys; the full tool names are accepted too but would drown the message.
      actionKeys().concat("or any mutating tool name"),
    ),
  ];
}

/** Throws a {@linkcode ConfigError} listing every unknown name. */
export function assertToolNames(config: ToolNameSettings, source?: string): void {
  const problems = toolNameProblems(config);
  if (problems.length) throw new ConfigError(problems, source);
}
