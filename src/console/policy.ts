/**
 * The console policy: decides, before anything reaches PVE, whether a command
 * may run in a guest, and if not, which rule said no and what the model can
 * do instead. Order: length, syntax, wrappers, deny (always wins), allow,
 * argument rules, denied arguments; then scope (vmids/tags) once the guest is
 * known.
 *
 * @example
 * ```ts
 * import { checkProgram, PolicyRefusal } from "./policy.ts";
 * import { DEFAULT_ALLOW, DEFAULT_DENY, DEFAULT_DENY_ARGS } from "./defaults.ts";
 * const policy = { allow: DEFAULT_ALLOW, deny: DEFAULT_DENY, deny_args: DEFAULT_DENY_ARGS,
 *   arg_rules: true, max_command_length: 1024, timeout_s: 30, max_output_bytes: 65536,
 *   allow_shell: false };
 * checkProgram(policy, ["uptime"]); // fine
 * try { checkProgram(policy, ["/bin/rm", "-rf", "/"]); } catch (e) {
 *   console.log((e as PolicyRefusal).rule); // "deny"
 * }
 * ```
 *
 * @module
 */

import { checkArguments } from "./arg_rules.ts";
import { WRAPPERS } from "./defaults.ts";
import { dirOf, globMatch, hasPath, normalisePath, programName, SYSTEM_DIRS } from "./names.ts";
import { ShellWordsError, splitShellWords } from "./shellwords.ts";

/** The `console` configuration section as the policy reads it. */
export interface ConsolePolicy {
  allow: readonly string[];
  deny: readonly string[];
  deny_args: readonly string[];
  arg_rules: boolean;
  vmids?: readonly number[];
  tags?: readonly string[];
  max_command_length: number;
  timeout_s: number;
  max_output_bytes: number;
  allow_shell: boolean;
}

/** Which rule refused a command. */
export type PolicyRule =
  | "length"
  | "syntax"
  | "shell"
  | "wrapper"
  | "deny"
  | "allow"
  | "path"
  | "arguments"
  | "deny_args"
  | "scope"
  | "timeout"
  | "protected";

/** A command the policy refused: the rule, why, and what to do instead. */
export class PolicyRefusal extends Error {
  constructor(readonly rule: PolicyRule, readonly reason: string, readonly hint: string) {
    super(`Refused by the console policy (rule: ${rule}): ${reason}. ${hint}`);
    this.name = "PolicyRefusal";
  }
}

/** A command that passed the command-level checks. */
export interface CommandPlan {
  /** The argument vector (without the shell wrapper in shell mode). */
  argv: string[];
  notes: string[];
}

const ALLOW_HINT = "Ask for a program on the allowlist, or ask the administrator to add it to " +
  "console.allow in the configuration";

/** Length and timeout checks shared by both modes. */
export function checkLimits(policy: ConsolePolicy, command: string, timeoutS?: number): void {
  if (command.length > policy.max_command_length) {
    throw new PolicyRefusal(
      "length",
      `the command is ${command.length} characters long; console.max_command_length is ` +
        `${policy.max_command_length}`,
      "Shorten it (for input data, use the input parameter)",
    );
  }
  if (timeoutS !== undefined && timeoutS > policy.timeout_s) {
    throw new PolicyRefusal(
      "timeout",
      `timeout_s ${timeoutS} exceeds console.timeout_s (${policy.timeout_s})`,
      `Ask for at most ${policy.timeout_s} seconds, or ask the administrator to raise ` +
        "console.timeout_s",
    );
  }
}

/** Parses a command line (no shell) and checks it; throws {@link PolicyRefusal}. */
export function checkCommand(policy: ConsolePolicy, command: string): CommandPlan {
  let parsed;
  try {
    parsed = splitShellWords(command);
  } catch (e) {
    if (!(e instanceof ShellWordsError)) throw e;
    throw new PolicyRefusal(
      "syntax",
      e.message.replace(/\.$/, ""),
      "Nothing was run",
    );
  }
  if (parsed.argv.length === 0 || parsed.argv[0] === "") {
    throw new PolicyRefusal("syntax", "the command is empty", "Give a program and its arguments");
  }
  checkProgram(policy, parsed.argv);
  return { argv: parsed.argv, notes: parsed.notes };
}

/** Checks one argument vector: wrappers, deny, allow, argument rules, denied arguments. */
export function checkProgram(policy: ConsolePolicy, argv: readonly string[]): void {
  const program = argv[0];
  const name = programName(program);
  const path = hasPath(program) ? normalisePath(program) : undefined;
  if (WRAPPERS.includes(name)) {
    throw new PolicyRefusal(
      "wrapper",
      `${program} only runs another program (or the same one as another user)`,
      "Call the target program directly: the guest agent already runs as root (SYSTEM on " +
        "Windows), so sudo/su add nothing, and the policy must see the real program",
    );
  }
  const denied = policy.deny.find((g) => globMatch(g, name) || (path && globMatch(g, path)));
  if (denied) {
    throw new PolicyRefusal(
      "deny",
      `${program} matches "${denied}" in console.deny (deny always wins over allow)`,
      "Use a read-only command instead",
    );
  }
  const allowed = policy.allow.find((g) =>
    hasPath(g)
      ? path !== undefined && globMatch(normalisePath(g), path)
      : globMatch(g, name) && (path === undefined || SYSTEM_DIRS.includes(dirOf(path)))
  );
  if (!allowed) {
    const byName = path !== undefined &&
      policy.allow.some((g) => !hasPath(g) && globMatch(g, name));
    if (byName) {
      throw new PolicyRefusal(
        "path",
        `${program} is outside the system directories (${SYSTEM_DIRS.join(", ")}), so the ` +
          `allowlist entry for "${name}" does not cover it`,
        `Call it by its bare name (${name}), or ask the administrator to allow the full path`,
      );
    }
    throw new PolicyRefusal(
      "allow",
      `${program} is not on the allowlist (console.allow: ${policy.allow.join(", ") || "empty"})`,
      ALLOW_HINT,
    );
  }
  if (policy.arg_rules) {
    const why = checkArguments(name, argv.slice(1));
    if (why) throw new PolicyRefusal("arguments", why, "Use the reading form of the command");
  }
  for (const arg of argv.slice(1)) {
    const glob = deniedArgument(policy, arg);
    if (glob) {
      throw new PolicyRefusal(
        "deny_args",
        `the argument ${JSON.stringify(arg)} matches "${glob}" in console.deny_args ` +
          "(files holding secrets)",
        "Leave that file alone; inspect something else",
      );
    }
  }
}

/** The deny_args glob an argument (or the value of `--opt=value`) matches, if any. */
export function deniedArgument(policy: ConsolePolicy, arg: string): string | undefined {
  const candidates = [arg];
  const eq = arg.indexOf("=");
  if (arg.startsWith("-") && eq > 0) candidates.push(arg.slice(eq + 1));
  for (const c of [...candidates]) if (hasPath(c)) candidates.push(normalisePath(c));
  return policy.deny_args.find((g) => candidates.some((c) => globMatch(g, c)));
}

/** Refuses a shell request when the policy does not allow a shell. */
export function checkShellAllowed(policy: ConsolePolicy): void {
  if (!policy.allow_shell) {
    throw new PolicyRefusal(
      "shell",
      "shell: true needs console.allow_shell, which is false",
      "Run one program without a shell (drop shell: true): quote arguments instead of using " +
        "pipes or redirections, and filter the output yourself",
    );
  }
}

/** Checks the guest against the vmid/tag scope (either list admits a guest). */
export function checkScope(policy: ConsolePolicy, vmid: number, tags: readonly string[]): void {
  const byId = policy.vmids;
  const byTag = policy.tags;
  if (!byId?.length && !byTag?.length) return;
  if (byId?.includes(vmid)) return;
  const lower = tags.map((t) => t.toLowerCase());
  if (byTag?.some((t) => lower.includes(t.toLowerCase()))) return;
  const parts = [
    byId?.length ? `VMIDs ${byId.join(", ")}` : "",
    byTag?.length ? `guests tagged ${byTag.join(", ")}` : "",
  ].filter(Boolean);
  throw new PolicyRefusal(
    "scope",
    `VM ${vmid}${tags.length ? ` (tags: ${tags.join(", ")})` : " (no tags)"} is outside the ` +
      `console scope (${parts.join(" or ")})`,
    "Commands may only run in the guests the administrator scoped in console.vmids/console.tags",
  );
}
