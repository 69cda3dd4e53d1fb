/**
 * Shell mode (`shell: true`, only with `console.allow_shell`): the script runs
 * in `/bin/sh -c` (PowerShell on Windows guests). Every command the script
 * visibly starts is still checked like an argument vector (wrappers, deny,
 * allow, argument rules, denied arguments), and redirections into files are
 * refused. This is a tripwire against mistakes, not a sandbox: a shell can
 * always assemble a command the checker cannot see (variables, eval, encoded
 * strings), which is why a shell stays off unless the administrator opts in.
 *
 * @example
 * ```ts ignore
 * import { checkShellScript } from "./shell_check.ts";
 * checkShellScript(policy, "ps aux | grep nginx | wc -l", "linux"); // each program checked
 * ```
 *
 * @module
 */

import { checkProgram, type ConsolePolicy, deniedArgument, PolicyRefusal } from "./policy.ts";
import { splitShellWords } from "./shellwords.ts";

/** The guest OS family, which decides the shell. */
export type GuestOs = "linux" | "windows";

/** The argument vector that runs `script` in the guest's shell. */
export function shellArgv(script: string, os: GuestOs): string[] {
  return os === "windows"
    ? ["powershell.exe", "-NoProfile", "-NonInteractive", "-Command", script]
    : ["/bin/sh", "-c", script];
}

// Words after which the next word is a command again (sh keywords), or that start a
// segment whose words are not commands.
const SH_PREFIX = new Set(["!", "{", "}", "if", "then", "else", "elif", "do", "while", "until"]);
const SH_SKIP = new Set(["fi", "done", "esac", "for", "case", "in", "function"]);

/** Splits a script into command segments at operators (best effort, quotes respected). */
function segments(script: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quote: string | undefined;
  for (let i = 0; i < script.length; i++) {
    const c = script[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === "\\" && quote === '"') cur += script[i++];
      cur += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      cur += c;
    } else if (c === "\\") {
      cur += c + (script[i + 1] ?? "");
      i++;
    } else if (";|&()\n`{}".includes(c) || (c === "$" && script[i + 1] === "(")) {
      out.push(cur);
      cur = "";
      if (c === "$") i++;
    } else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter(Boolean);
}

/** Words of one segment: shell-word rules when they parse, whitespace otherwise. */
function words(segment: string): string[] {
  try {
    return splitShellWords(segment).argv;
  } catch {
    return segment.split(/\s+/).map((w) => w.replace(/["'\\]/g, "")).filter(Boolean);
  }
}

// `>file`, `>>file`, `2>file`, `<file`, and the harmless `>&2`, `2>&1`.
const REDIRECTION = /\d*(>>?|<)\s*(&\d*|[^\s&;|)]*)/g;

/**
 * Refuses output redirections into files (only /dev/null, $null or NUL) and input from denied
 * files; returns the script with redirections blanked out, so they are not taken for commands.
 */
function stripRedirections(policy: ConsolePolicy, script: string): string {
  for (const m of script.matchAll(REDIRECTION)) {
    const target = m[2].replace(/["']/g, "");
    if (target === "" || target.startsWith("&")) continue;
    if (m[1] === "<") {
      const glob = deniedArgument(policy, target);
      if (glob) {
        throw new PolicyRefusal(
          "deny_args",
          `the script reads ${target}, which matches "${glob}" in console.deny_args`,
          "Leave that file alone",
        );
      }
      continue;
    }
    if (/^(\/dev\/null|\$null|nul)$/i.test(target)) continue;
    throw new PolicyRefusal(
      "deny",
      `the script redirects output into ${target}, which writes a file in the guest`,
      "Drop the redirection: the output comes back to you anyway",
    );
  }
  return script.replace(REDIRECTION, " ");
}

/** Checks a shell script best-effort; throws {@link PolicyRefusal}. */
export function checkShellScript(policy: ConsolePolicy, script: string, os: GuestOs): void {
  for (const seg of segments(stripRedirections(policy, script))) {
    let ws = words(seg);
    while (ws.length && (SH_PREFIX.has(ws[0]) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(ws[0]))) {
      ws = ws.slice(1);
    }
    if (ws.length === 0 || SH_SKIP.has(ws[0])) continue;
    const first = ws[0];
    if (first.startsWith("$") || first.startsWith("[")) {
      // PowerShell: `$x.Prop`, `[int]$y` are expressions, not programs.
      if (os === "windows") continue;
      throw new PolicyRefusal(
        "syntax",
        `the script runs a command named by a variable (${first}), which cannot be checked`,
        "Name the program literally",
      );
    }
    checkProgram(policy, ws);
  }
}
