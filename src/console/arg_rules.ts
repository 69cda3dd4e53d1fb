/**
 * Built-in argument rules: programs that are useful read-only but can also
 * change the guest (or run other programs) through their arguments are kept to
 * their reading forms. A rule returns why the arguments are refused, or
 * `undefined` when they are fine. Switch all of them off with
 * `console.arg_rules: false`.
 *
 * @example
 * ```ts
 * import { checkArguments } from "./arg_rules.ts";
 * console.log(checkArguments("systemctl", ["status", "nginx"])); // undefined
 * console.log(checkArguments("systemctl", ["restart", "nginx"]) !== undefined); // true
 * ```
 *
 * @module
 */

type Rule = (args: readonly string[]) => string | undefined;

/** Words that are not options (`--` ends options); `valued` options consume the next word. */
function positionals(args: readonly string[], valued: readonly string[] = []): string[] {
  const out: string[] = [];
  let done = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!done && a === "--") done = true;
    else if (done || !a.startsWith("-") || a === "-") out.push(a);
    else if (valued.includes(a)) i++;
  }
  return out;
}

// Options that take their value as the next word (so it is not mistaken for a verb).
const SYSTEMCTL_VALUED = [
  "-t",
  "--type",
  "-p",
  "--property",
  "-n",
  "--lines",
  "-o",
  "--output",
  "--state",
  "-H",
  "--host",
  "-M",
  "--machine",
  "--root",
  "--what",
];
const DATE_VALUED = ["-d", "--date", "-f", "--file", "-r", "--reference"];

/** The first argument that is (or starts with, for `--opt=value`) one of `opts`. */
function findOption(args: readonly string[], opts: readonly string[]): string | undefined {
  for (const a of args) {
    if (a === "--") return undefined;
    for (const o of opts) {
      if (a === o || (o.startsWith("--") && a.startsWith(`${o}=`))) return a;
      // Short options cluster: `-xvf` holds `-f`; `-s2024` passes a value to `-s`.
      if (/^-[A-Za-z]$/.test(o) && /^-[A-Za-z]/.test(a) && !a.startsWith("--")) {
        if (a.slice(1).includes(o[1])) return a;
      }
    }
  }
  return undefined;
}

const SYSTEMCTL_READ = new Set([
  "status",
  "show",
  "cat",
  "is-active",
  "is-enabled",
  "is-failed",
  "is-system-running",
  "list-units",
  "list-unit-files",
  "list-timers",
  "list-sockets",
  "list-dependencies",
  "list-jobs",
  "list-machines",
  "get-default",
  "help",
]);

const IP_WRITE = new Set([
  "add",
  "append",
  "change",
  "chg",
  "del",
  "delete",
  "replace",
  "prepend",
  "set",
  "flush",
  "save",
  "restore",
  "exec",
  "attach",
  "detach",
  "monitor",
  "update",
]);

const RULES: Record<string, Rule> = {
  systemctl(args) {
    const verb = positionals(args, SYSTEMCTL_VALUED)[0];
    if (verb !== undefined && !SYSTEMCTL_READ.has(verb)) {
      return `systemctl ${verb} changes the system; only reading verbs are allowed ` +
        `(${[...SYSTEMCTL_READ].join(", ")})`;
    }
    const host = findOption(args, ["-H", "--host", "-M", "--machine"]);
    if (host) return `systemctl ${host} reaches another machine; run it against this guest only`;
    return undefined;
  },
  journalctl(args) {
    const follow = findOption(args, ["-f", "--follow"]);
    if (follow) return `journalctl ${follow} never ends; use -n N (e.g. -n 100) instead`;
    const w = findOption(args, [
      "--vacuum-size",
      "--vacuum-time",
      "--vacuum-files",
      "--rotate",
      "--flush",
      "--sync",
      "--relinquish-var",
      "--smart-relinquish-var",
      "--setup-keys",
      "--update-catalog",
    ]);
    return w ? `journalctl ${w} changes the journal; only reading is allowed` : undefined;
  },
  dmesg(args) {
    const w = findOption(args, [
      "-C",
      "--clear",
      "-c",
      "--read-clear",
      "-D",
      "--console-off",
      "-E",
      "--console-on",
      "-n",
      "--console-level",
      "-w",
      "--follow",
      "-W",
      "--follow-new",
    ]);
    return w
      ? `dmesg ${w} clears, follows or reconfigures the kernel log; read it only`
      : undefined;
  },
  tail(args) {
    const f = findOption(args, ["-f", "-F", "--follow"]);
    return f ? `tail ${f} never ends; read the last lines with -n N instead` : undefined;
  },
  ip(args) {
    const b = findOption(args, ["-b", "-batch", "--batch", "-force"]);
    if (b) return `ip ${b} runs commands from a file; give one command`;
    const w = positionals(args).find((p) => IP_WRITE.has(p.toLowerCase()));
    return w ? `ip ... ${w} changes (or watches) the network; use show/list/get` : undefined;
  },
  ss(args) {
    const w = findOption(args, ["-K", "--kill", "-D", "--diag"]);
    return w ? `ss ${w} kills sockets or writes a file; only listing is allowed` : undefined;
  },
  mount(args) {
    // Listing forms only: no arguments, -l, -t TYPE / --types TYPE.
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === "-l" || a.startsWith("--types=")) continue;
      if ((a === "-t" || a === "--types") && i + 1 < args.length) {
        i++;
        continue;
      }
      return `mount ${a}: only listing mounts is allowed (mount, mount -l, mount -t TYPE); ` +
        "findmnt shows more detail";
    }
    return undefined;
  },
  date(args) {
    const s = findOption(args, ["-s", "--set"]);
    if (s) return `date ${s} sets the clock; only reading it is allowed`;
    const p = positionals(args, DATE_VALUED).find((x) => !x.startsWith("+"));
    return p ? `date ${p} would set the clock; only +FORMAT arguments are allowed` : undefined;
  },
  hostname(args) {
    const f = findOption(args, ["-F", "--file", "-b", "--boot"]);
    if (f) return `hostname ${f} changes the host name; only reading it is allowed`;
    const p = positionals(args)[0];
    return p !== undefined
      ? `hostname ${p} would rename the guest; only reading is allowed`
      : undefined;
  },
  find(args) {
    const w = findOption(args, [
      "-exec",
      "-execdir",
      "-ok",
      "-okdir",
      "-delete",
      "-fprint",
      "-fprint0",
      "-fprintf",
      "-fls",
    ]);
    return w
      ? `find ${w} runs programs, deletes or writes files; only listing is allowed`
      : undefined;
  },
  sed(args) {
    const w = args.find((a) =>
      a === "--in-place" || a.startsWith("--in-place=") || /^-[a-zA-Z]*i/.test(a)
    );
    return w ? `sed ${w} edits files in place; only printing is allowed` : undefined;
  },
  tar(args) {
    const w = findOption(args, [
      "--to-command",
      "--checkpoint-action",
      "--use-compress-program",
      "--info-script",
      "--new-volume-script",
      "--rsh-command",
      "-I",
      "-F",
    ]);
    return w ? `tar ${w} runs another program; not allowed` : undefined;
  },
  sort(args) {
    const o = findOption(args, ["-o", "--output", "--compress-program"]);
    return o
      ? `sort ${o} writes a file or runs a program; let the output come back instead`
      : undefined;
  },
  uniq(args) {
    const files = positionals(args, [
      "-f",
      "--skip-fields",
      "-s",
      "--skip-chars",
      "-w",
      "--check-chars",
    ]);
    return files.length > 1
      ? `uniq ${files[1]}: a second file name is an output file that would be overwritten`
      : undefined;
  },
  sysctl(args) {
    const w = findOption(args, ["-w", "--write", "-p", "--load", "--system"]) ??
      positionals(args).find((p) => p.includes("="));
    return w ? `sysctl ${w} changes kernel settings; only reading is allowed` : undefined;
  },
};

/** Names that have a built-in argument rule. */
export const RULED_PROGRAMS: readonly string[] = Object.keys(RULES);

/** Why `args` are refused for `program` (a {@link programName}), or `undefined`. */
export function checkArguments(program: string, args: readonly string[]): string | undefined {
  return RULES[program]?.(args);
}
