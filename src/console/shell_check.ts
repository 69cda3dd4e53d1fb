/**
 * Shell mode (`shell: true`, only with `console.allow_shell`): the script runs
 * in `/bin/sh -c` (PowerShell on Windows guests). It must parse as a small
 * subset of the shell's language whose meaning the policy can see
 * completely (sh_script.ts, ps_script.ts), and every command in it then
 * passes the same checks as a command without a shell: wrappers, deny,
 * allow, the program's grammar, protected paths.
 *
 * What this cannot promise: the guest's shell is a real shell. The policy
 * sees the script's text, not the guest: a different /bin/sh (bash as sh on
 * RHEL) parses a few things differently, the agent's environment (PATH,
 * BASH_ENV, the modules PowerShell loads on demand) is not visible, and the
 * data flowing through a pipe between two allowed programs is not checked. Keep shell mode off unless the
 * guests are ones the model could be given root on.
 *
 * @example
 * ```ts ignore
 * import { checkShellScript } from "./shell_check.ts";
 * checkShellScript(policy, "ps aux | grep nginx | wc -l", "linux"); // each program checked
 * ```
 *
 * @module
 */

import { checkProgram, type ConsolePolicy, PolicyRefusal } from "./policy.ts";
import { parsePsScript, PsScriptError } from "./ps_script.ts";
import { parseShScript, ShScriptError } from "./sh_script.ts";

/** The guest OS family, which decides the shell. */
export type GuestOs = "linux" | "windows";

/** The argument vector that runs `script` in the guest's shell. */
export function shellArgv(script: string, os: GuestOs): string[] {
  return os === "windows"
    ? ["powershell.exe", "-NoProfile", "-NonInteractive", "-Command", script]
    : ["/bin/sh", "-c", script];
}

/** Checks a shell script; throws {@link PolicyRefusal}. */
export function checkShellScript(policy: ConsolePolicy, script: string, os: GuestOs): void {
  let commands: string[][];
  try {
    commands = os === "windows" ? parsePsScript(script) : parseShScript(script);
  } catch (e) {
    if (!(e instanceof ShScriptError || e instanceof PsScriptError)) throw e;
    throw new PolicyRefusal(
      "syntax",
      e.message,
      "Nothing was run. Use one program per call without shell: true, or a plain pipeline " +
        (os === "windows"
          ? "of cmdlets such as Get-Service W32Time | Select-Object Status"
          : "such as ps aux | grep nginx"),
    );
  }
  for (const argv of commands) checkProgram(policy, argv, os === "windows" ? "powershell" : "sh");
}
