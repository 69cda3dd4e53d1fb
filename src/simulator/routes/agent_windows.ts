/**
 * What programs "do" inside simulated Windows guests: a few executables and
 * PowerShell (`powershell.exe -NoProfile -NonInteractive -Command SCRIPT`)
 * with scripted answers. Lines end in CRLF, as on Windows.
 *
 * @module
 */

import type { GuestModel } from "../state.ts";
import { type ProgramResult, SpawnError } from "./agent_programs.ts";

const POWERSHELL: Record<string, (g: GuestModel) => string> = {
  "$PSVersionTable.PSVersion.ToString()": () => "5.1.20348.2227\r\n",
  "(Get-CimInstance Win32_OperatingSystem).Caption": () =>
    "Microsoft Windows Server 2022 Standard\r\n",
  "Get-Service W32Time": () =>
    "\r\nStatus   Name               DisplayName\r\n------   ----               -----------\r\n" +
    "Running  W32Time            Windows Time\r\n\r\n\r\n",
  "hostname": (g) => `${g.name.toUpperCase()}\r\n`,
};

const EXE: Record<string, (args: string[], g: GuestModel) => Partial<ProgramResult>> = {
  hostname: (_a, g) => ({ out: `${g.name.toUpperCase()}\r\n` }),
  whoami: () => ({ out: "nt authority\\system\r\n" }),
  ipconfig: () => ({
    out: "\r\nWindows IP Configuration\r\n\r\n\r\nEthernet adapter Ethernet:\r\n\r\n" +
      "   IPv4 Address. . . . . . . . . . . : 10.0.0.20\r\n",
  }),
  systeminfo: (_a, g) => ({
    out: `\r\nHost Name:                 ${g.name.toUpperCase()}\r\n` +
      "OS Name:                   Microsoft Windows Server 2022 Standard\r\n",
  }),
  tasklist: () => ({
    out: "\r\nImage Name                     PID Session Name        Session#    Mem Usage\r\n" +
      "========================= ======== ================ =========== ============\r\n" +
      "System Idle Process              0 Services                   0          8 K\r\n",
  }),
  netstat: () => ({
    out: "\r\nActive Connections\r\n\r\n  Proto  Local Address          Foreign Address        " +
      "State           PID\r\n  TCP    0.0.0.0:3389           0.0.0.0:0              LISTENING       " +
      "1044\r\n",
  }),
  cmd: (a) =>
    a[0]?.toLowerCase() === "/c" && a[1] === "ver"
      ? { out: "\r\nMicrosoft Windows [Version 10.0.20348.2227]\r\n" }
      : {
        exitcode: 1,
        err: `'${a.slice(1).join(" ")}' is not recognized as an internal or external command.\r\n`,
      },
  powershell(a, g) {
    const i = a.findIndex((x) => x.toLowerCase() === "-command");
    const script = i >= 0 ? a.slice(i + 1).join(" ") : "";
    const answer = POWERSHELL[script.trim()];
    if (answer) return { out: answer(g) };
    const word = script.trim().split(/\s+/)[0] ?? "";
    return {
      exitcode: 1,
      err: `${word} : The term '${word}' is not recognized as the name of a cmdlet, function, ` +
        "script file, or operable program.\r\n",
    };
  },
};

/** Runs argv in a Windows guest; throws {@link SpawnError} when the program does not exist. */
export function runWindows(g: GuestModel, argv: string[], _input: string): ProgramResult {
  const [cmd, ...args] = argv;
  const name = (cmd.split(/[\\/]/).pop() ?? cmd).toLowerCase().replace(/\.exe$/, "");
  const prog = EXE[name];
  if (!prog) {
    throw new SpawnError(`Failed to execute child process “${cmd}” (No such file or directory)`);
  }
  return { exitcode: 0, out: "", err: "", durationMs: 0, ...prog(args, g) };
}

/** `agent/get-osinfo` of a Windows guest. */
export const WINDOWS_OSINFO = {
  id: "mswindows",
  name: "Microsoft Windows",
  "pretty-name": "Windows Server 2022 Standard",
  version: "Microsoft Windows Server 2022",
  "version-id": "2022",
  "kernel-release": "20348",
  "kernel-version": "10.0",
  machine: "x86_64",
};

/** `agent/get-osinfo` of a Linux guest. */
export const LINUX_OSINFO = {
  id: "debian",
  name: "Debian GNU/Linux",
  "pretty-name": "Debian GNU/Linux 12 (bookworm)",
  version: "12 (bookworm)",
  "version-id": "12",
  "kernel-release": "6.1.0-18-amd64",
  "kernel-version": "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)",
  machine: "x86_64",
};
