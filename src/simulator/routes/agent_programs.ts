/**
 * What programs "do" inside simulated Linux guests: scripted, deterministic
 * output derived from the guest model (name, uptime, memory, disk), a failing
 * command, a large-output command (`seq`), a slow one (`sleep 2`) and ones
 * that outlive any timeout (`sleep infinity`, `sleep 3600`). `/bin/sh -c`
 * understands `;`, `&&` and `|` between such programs. Windows guests:
 * `agent_windows.ts`.
 *
 * @module
 */

import type { GuestModel } from "../state.ts";

/** The outcome of one simulated process. */
export interface ProgramResult {
  exitcode: number;
  out: string;
  err: string;
  /** How long the process runs; Infinity never ends. */
  durationMs: number;
}

/** qemu-ga (glib) could not start the program. */
export class SpawnError extends Error {}

type Program = (args: string[], g: GuestModel, input: string) => Partial<ProgramResult>;

const KERNEL = "6.1.0-18-amd64";
const MiB = 1024 ** 2;

const FILES: Record<string, (g: GuestModel) => string> = {
  "/etc/os-release": () =>
    'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\n' +
    'VERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n',
  "/etc/hostname": (g) => `${g.name}\n`,
  "/proc/loadavg": () => "0.15 0.10 0.05 1/123 4567\n",
};

function fail(cmd: string, msg: string, code = 1): Partial<ProgramResult> {
  return { exitcode: code, err: `${cmd}: ${msg}\n` };
}

function uptimeText(g: GuestModel): string {
  const days = Math.floor(g.uptime / 86_400);
  const h = Math.floor((g.uptime % 86_400) / 3600);
  const m = Math.floor((g.uptime % 3600) / 60);
  return ` 12:00:00 up ${days} days, ${h}:${String(m).padStart(2, "0")},  1 user,  ` +
    "load average: 0.15, 0.10, 0.05\n";
}

const LINUX: Record<string, Program> = {
  true: () => ({}),
  false: () => ({ exitcode: 1 }),
  echo: (a) => (a[0] === "-n" ? { out: a.slice(1).join(" ") } : { out: `${a.join(" ")}\n` }),
  hostname: (a, g) => ({ out: `${a.includes("-f") ? `${g.name}.lan` : g.name}\n` }),
  whoami: () => ({ out: "root\n" }),
  id: () => ({ out: "uid=0(root) gid=0(root) groups=0(root)\n" }),
  date: () => ({ out: "Mon Jan  6 12:00:00 UTC 2025\n" }),
  uptime: (a, g) => ({
    out: a.includes("-p") ? `up ${Math.floor(g.uptime / 86_400)} days\n` : uptimeText(g),
  }),
  uname(a, g) {
    const all = `Linux ${g.name} ${KERNEL} #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01) ` +
      "x86_64 GNU/Linux";
    const parts: Record<string, string> = {
      "-s": "Linux",
      "-n": g.name,
      "-r": KERNEL,
      "-m": "x86_64",
      "-a": all,
    };
    if (a.length === 0) return { out: "Linux\n" };
    const bad = a.find((x) => !(x in parts));
    if (bad) {
      return fail(
        "uname",
        `invalid option -- '${bad.replace(/^-+/, "")}'\nTry 'uname --help' for more information.`,
      );
    }
    return { out: `${a.map((x) => parts[x]).join(" ")}\n` };
  },
  df(_a, g) {
    const size = Math.round(g.maxdisk / 1024 ** 3);
    const used = Math.round(size * 0.42);
    return {
      out: "Filesystem      Size  Used Avail Use% Mounted on\n" +
        `/dev/sda1        ${size}G  ${used}G  ${size - used}G  42% /\n` +
        "tmpfs           2.0G     0  2.0G   0% /dev/shm\n",
    };
  },
  free(_a, g) {
    const total = Math.round(g.maxmem / MiB);
    const used = Math.round(g.mem / MiB);
    return {
      out: "               total        used        free      shared  buff/cache   available\n" +
        `Mem:           ${total}        ${used}        ${
          total - used
        }           1         200        ${
          total - used
        }\nSwap:              0           0           0\n`,
    };
  },
  cat(a, g, input) {
    if (a.length === 0) return { out: input };
    let out = "";
    for (const f of a) {
      const file = FILES[f];
      if (!file) return { out, ...fail("cat", `${f}: No such file or directory`) };
      out += file(g);
    }
    return { out };
  },
  ls(a) {
    const path = a.find((x) => !x.startsWith("-")) ?? "/root";
    if (path === "/") {
      return { out: "bin\nboot\ndev\netc\nhome\nlib\nproc\nroot\nsys\ntmp\nusr\nvar\n" };
    }
    if (path === "/root") return { out: "" };
    return fail("ls", `cannot access '${path}': No such file or directory`, 2);
  },
  ps: () => ({
    out: "  PID TTY          TIME CMD\n    1 ?        00:00:02 systemd\n  512 ?        00:00:00 " +
      "qemu-ga\n  777 ?        00:00:00 sshd\n",
  }),
  systemctl(a) {
    const [verb, unit = ""] = a;
    const known = ["ssh", "cron", "qemu-guest-agent", "nginx"];
    const name = unit.replace(/\.service$/, "");
    if (verb === "is-active") {
      return known.includes(name) ? { out: "active\n" } : { out: "inactive\n", exitcode: 3 };
    }
    if (verb === "status") {
      if (!known.includes(name)) {
        return { exitcode: 4, err: `Unit ${name}.service could not be found.\n` };
      }
      return { out: `● ${name}.service\n     Loaded: loaded\n     Active: active (running)\n` };
    }
    return { out: "UNIT LOAD ACTIVE SUB DESCRIPTION\n" };
  },
  journalctl(a) {
    const i = a.indexOf("-n");
    const n = i >= 0 ? Number(a[i + 1] ?? 10) : 10;
    return {
      out: Array.from(
        { length: n },
        (_, k) =>
          `Jan 06 12:00:${String(k % 60).padStart(2, "0")} host systemd[1]: line ${k + 1}\n`,
      ).join(
        "",
      ),
    };
  },
  ss: () => ({
    out: "State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n" +
      'LISTEN 0      128          0.0.0.0:22        0.0.0.0:*     users:(("sshd",pid=777,fd=3))\n',
  }),
  ip: () => ({
    out:
      "1: lo: <LOOPBACK,UP> mtu 65536\n2: eth0: <BROADCAST,UP> mtu 1500\n    inet 10.0.0.10/24\n",
  }),
  wc: (a, _g, input) => ({
    out: `${a.includes("-l") ? input.split("\n").length - 1 : input.length}\n`,
  }),
  head(a, _g, input) {
    const i = a.indexOf("-n");
    const n = i >= 0 ? Number(a[i + 1]) : 10;
    return { out: input.split("\n").slice(0, n).map((l) => `${l}\n`).join("") };
  },
  grep(a, _g, input) {
    const pat = a.find((x) => !x.startsWith("-")) ?? "";
    const lines = input.split("\n").filter((l) => l !== "" && l.includes(pat));
    return lines.length ? { out: lines.map((l) => `${l}\n`).join("") } : { exitcode: 1 };
  },
  // Large output for truncation tests: `seq 1 N` as coreutils prints it.
  seq(a) {
    const [from, to] = a.length >= 2 ? [Number(a[0]), Number(a[1])] : [1, Number(a[0])];
    if (!Number.isFinite(from) || !Number.isFinite(to)) {
      return fail("seq", `invalid floating point argument: '${a[0]}'`);
    }
    const parts: string[] = [];
    for (let n = from; n <= to; n++) parts.push(`${n}\n`);
    return { out: parts.join("") };
  },
  sleep(a) {
    if (a[0] === "infinity") return { durationMs: Infinity };
    const s = Number(a[0]);
    return Number.isFinite(s)
      ? { durationMs: s * 1000 }
      : fail("sleep", `invalid time interval '${a[0]}'`);
  },
};

const PATH_DIRS = ["/bin", "/usr/bin", "/sbin", "/usr/sbin", "/usr/local/bin"];

function lookup(name: string): Program | undefined {
  if (!name.includes("/")) return LINUX[name];
  const i = name.lastIndexOf("/");
  return PATH_DIRS.includes(name.slice(0, i)) ? LINUX[name.slice(i + 1)] : undefined;
}

/** Runs argv in a Linux guest; throws {@link SpawnError} when the program does not exist. */
export function runLinux(g: GuestModel, argv: string[], input: string): ProgramResult {
  const [cmd, ...args] = argv;
  if ((cmd === "/bin/sh" || cmd === "sh") && args[0] === "-c") {
    return runSh(g, args[1] ?? "", input);
  }
  const prog = lookup(cmd);
  if (!prog) {
    throw new SpawnError(`Failed to execute child process “${cmd}” (No such file or directory)`);
  }
  return { exitcode: 0, out: "", err: "", durationMs: 0, ...prog(args, g, input) };
}

// Quote-aware split of a tiny shell script into `&&`/`;` lists of `|` pipelines.
function runSh(g: GuestModel, script: string, input: string): ProgramResult {
  const total: ProgramResult = { exitcode: 0, out: "", err: "", durationMs: 0 };
  const lists = script.split(/\s*(&&|;)\s*/);
  for (let i = 0; i < lists.length; i += 2) {
    if (i > 0 && lists[i - 1] === "&&" && total.exitcode !== 0) break;
    let data = input;
    for (const stage of lists[i].split(/\s*\|\s*/)) {
      const words = stage.match(/'[^']*'|"[^"]*"|\S+/g)?.map((w) =>
        w.replace(/^['"]|['"]$/g, "")
      ) ?? [];
      if (words.length === 0) continue;
      const prog = lookup(words[0]);
      if (!prog) {
        total.err += `sh: 1: ${words[0]}: not found\n`;
        total.exitcode = 127;
        data = "";
        continue;
      }
      const r = { exitcode: 0, out: "", err: "", durationMs: 0, ...prog(words.slice(1), g, data) };
      total.err += r.err;
      total.exitcode = r.exitcode;
      total.durationMs = Math.max(total.durationMs, r.durationMs);
      data = r.out;
    }
    total.out += data;
  }
  return total;
}
