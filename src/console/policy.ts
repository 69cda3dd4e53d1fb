/**
 * The console policy: decides, before anything reaches PVE, whether a command
 * may run in a guest, and if not, which rule said no and what the model can
 * do instead. Order: length, syntax, characters, wrappers, deny (always
 * wins), allow, the program's grammar (src/console/grammar/: exact options,
 * verbs and operands, protected paths), denied arguments; then scope
 * (vmids/tags) once the guest is known.
 *
 * Nothing outside a grammar runs: `console.allow` only picks among the
 * programs that have one (see grammar/catalog.ts).
 *
 * @example
 * ```ts
 * import { checkProgram, PolicyRefusal } from "./policy.ts";
 * import { DEFAULT_ALLOW, DEFAULT_DENY, DEFAULT_DENY_ARGS } from "./defaults.ts";
 * const policy = { allow: DEFAULT_ALLOW, deny: DEFAULT_DENY, deny_args: DEFAULT_DENY_ARGS,
 *   arg_rules: true, max_command_length: 1024, timeout_s: 30, max_output_bytes: 65536,
 *   allow_shell: false };
 * checkProgram(policy, ["uptime"]); // fine
 * try { checkProgram(policy, ["systemctl", "reboot"]); } catch (e) {
 *   console.log((e as PolicyRefusal).rule); // "arguments"
 * }
 * ```
 *
 * @module
 */

import { WRAPPERS } from "./defaults.ts";
import { CMDLET_PROGRAMS, grammarFor } from "./grammar/catalog.ts";
import { GrammarRefusal } from "./grammar/types.ts";
import { ascii, trustedCharacters } from "./grammar/words.ts";
import { dirOf, globMatch, hasPath, normalisePath, programName, SYSTEM_DIRS } from "./names.ts";
import { ShellWordsError, splitShellWords } from "./shellwords.ts";

/** The `console` configuration section as the policy reads it. */
export interface ConsolePolicy {
  allow: readonly string[];
  deny: readonly string[];
  deny_args: readonly string[];
  /** Kept for configuration compatibility; grammars always apply (false is refused at load). */
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
  | "characters"
  | "shell"
  | "wrapper"
  | "deny"
  | "allow"
  | "path"
  | "arguments"
  | "secret"
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

/**
 * Where a command vector runs: directly through the guest agent (`exec`), as one command of a
 * `/bin/sh` script, or of a PowerShell script. PowerShell resolves names through its own
 * aliases first (`cat` is Get-Content, `ps` is Get-Process, `curl` is Invoke-WebRequest), so
 * there only cmdlets and the Windows programs are looked up.
 */
export type CommandContext = "exec" | "sh" | "powershell";

/** Windows programs a PowerShell script may run (none of them is a PowerShell alias). */
const POWERSHELL_NATIVE = ["ipconfig", "systeminfo", "tasklist", "whoami", "hostname", "netstat"];

const ALLOW_HINT = "Ask for a program on the allowlist, or ask the administrator to add it to " +
  "console.allow in the configuration (only programs with a grammar can be allowed)";

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

function fromGrammar(e: GrammarRefusal, hint: string): PolicyRefusal {
  return new PolicyRefusal(e.kind, e.message, hint);
}

/** Whether `name` (by bare name, or a path in a system directory) is on the allowlist. */
function allowEntry(policy: ConsolePolicy, name: string, path: string | undefined) {
  if (path !== undefined && !SYSTEM_DIRS.includes(dirOf(path))) return undefined;
  return policy.allow.find((g) => !hasPath(g) && globMatch(g, name));
}

/**
 * Checks one argument vector: characters, wrappers, deny, allow, the program's grammar, denied
 * arguments. Throws {@link PolicyRefusal}.
 */
export function checkProgram(
  policy: ConsolePolicy,
  argv: readonly string[],
  context: CommandContext = "exec",
): void {
  const program = argv[0];
  try {
    ascii(program, "the program name");
    argv.slice(1).forEach((a, i) => trustedCharacters(a, `argument ${i + 1}`));
  } catch (e) {
    if (e instanceof GrammarRefusal) {
      throw fromGrammar(e, "Type the command in plain characters");
    }
    throw e;
  }
  if (/\.(bat|cmd|com)$/i.test(program)) {
    throw new PolicyRefusal(
      "allow",
      `${program} would run as a batch or COM file (through cmd.exe on Windows)`,
      "Name the program itself (ipconfig, or ipconfig.exe)",
    );
  }
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
  const grammar = grammarFor(name);
  const cmdlet = CMDLET_PROGRAMS.includes(name);
  if (grammar && context === "powershell" && !cmdlet && !POWERSHELL_NATIVE.includes(name)) {
    throw new PolicyRefusal(
      "allow",
      `in PowerShell, ${program} is not looked up as the program it names on Linux (cat, ls, ` +
        "ps, sort, echo… are aliases of cmdlets there)",
      `Use the cmdlet itself (Get-Content, Get-ChildItem, Get-Process, Sort-Object…) or one of ${
        POWERSHELL_NATIVE.join(", ")
      }`,
    );
  }
  if (grammar && cmdlet && context !== "powershell") {
    throw new PolicyRefusal(
      "allow",
      `${program} is a PowerShell cmdlet, not a program the guest agent can start`,
      "Run it with shell: true on a Windows guest (if console.allow_shell is on), or use the " +
        "Windows program (tasklist, ipconfig /all, systeminfo…)",
    );
  }
  const allowed = grammar ? allowEntry(policy, name, path) : undefined;
  if (!allowed) {
    const byName = grammar && path !== undefined &&
      policy.allow.some((g) => !hasPath(g) && globMatch(g, name));
    if (byName) {
      throw new PolicyRefusal(
        "path",
        `${program} is outside the system directories (${SYSTEM_DIRS.join(", ")}), so the ` +
          `allowlist entry for "${name}" does not cover it`,
        `Call it by its bare name (${name})`,
      );
    }
    throw new PolicyRefusal(
      "allow",
      `${program} is not on the allowlist` +
        (grammar ? "" : " (and has no grammar, so it cannot be allowed)") +
        ` (console.allow: ${policy.allow.join(", ") || "empty"})`,
      ALLOW_HINT,
    );
  }
  try {
    grammar!.check(argv.slice(1));
  } catch (e) {
    if (!(e instanceof GrammarRefusal)) throw e;
    throw fromGrammar(e, `Allowed: ${grammar!.synopsis}`);
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
  for (const c of [...candidates]) {
    if (hasPath(c)) candidates.push(normalisePath(c));
    // Relative paths are taken from / (the guest agent's working directory).
    if (!c.startsWith("/") && !c.startsWith("-") && c.includes("/")) {
      candidates.push(normalisePath(`/${c}`));
    }
  }
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
