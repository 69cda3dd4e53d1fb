/**
 * Grammars for procps-ng: ps, free, uptime, vmstat.
 *
 * Sources: procps-ng 4.0.2 (Debian 12): `ps --help all`, `ps L` (the
 * format keywords), ps(1); the getopt strings of free (`bkmghltvc:ws:V`),
 * vmstat (`afmnsdDp:S:wthVy`) and uptime read from the binaries, with their
 * `--help` for the long names. RHEL 9 ships 3.3.17 with the same options.
 *
 * ps is read-only except that it can print every process's environment
 * (BSD `e`, format keyword `environ`), where passwords and tokens often
 * sit: both are refused. Forms that repeat forever (`free -s` without
 * `-c`, `vmstat DELAY` without COUNT) are refused too: the process would
 * outlive the tool call.
 *
 * @example
 * ```ts
 * import { PROCPS } from "./procps.ts";
 * const ps = PROCPS.find((g) => g.program === "ps")!;
 * ps.check(["aux"]); ps.check(["-eo", "pid,ppid,%mem,cmd", "--sort=-%mem"]); // fine
 * try { ps.check(["auxe"]); } catch (e) { console.log((e as Error).message); }
 * ```
 *
 * @module
 */

import { getoptGrammar, has } from "./getopt.ts";
import { noOperands } from "./operands.ts";
import { type Grammar, GrammarRefusal, type WordCheck } from "./types.ts";
import { ascii, integer, names, oneOf, shaped } from "./words.ts";

const PROCPS_SRC = "procps-ng 4.0.2 (Debian 12)";

// `ps L` of procps-ng 4.0.2. `environ` is accepted by -o but not listed, and is left out.
const PS_FORMAT_KEYS = new Set(
  ("%cpu %mem _left _left2 _right _right2 _unlimited _unlimited2 ag_id ag_nice args atime " +
    "blocked bsdstart bsdtime c caught cgname cgroup cgroupns class cls cmd comm command " +
    "context cp cpuid cputime cputimes cuc cuu drs dsiz egid egroup eip esp etime etimes euid " +
    "euser exe f fgid fgroup flag flags fname fsgid fsgroup fsuid fsuser fuid fuser gid group " +
    "ignored intpri ipcns label lastcpu lim longtname lsession lstart luid lwp lxc m_drs m_size " +
    "m_trs machine maj_flt majflt min_flt minflt mntns netns ni nice nlwp numa oom oomadj opri " +
    "ouid pagein pcpu pending pgid pgrp pid pidns pmem policy ppid pri pri_api pri_bar pri_baz " +
    "pri_foo priority psr pss rbytes rchars rgid rgroup rops rss rssize rsz rtprio ruid ruser s " +
    "sched seat sess session sgi_p sgi_rss sgid sgroup sid sig sig_block sig_catch sig_ignore " +
    "sig_pend sigcatch sigignore sigmask size slice spid stackp start start_stack start_time " +
    "stat state stime suid supgid supgrp suser svgid svgroup svuid svuser sz tgid thcount tid " +
    "time timens times tname tpgid trs trss tsig tsiz tt tty tty4 tty8 ucmd ucomm uid uid_hack " +
    "uname unit user userns uss util utsns uunit vsize vsz wbytes wcbytes wchan wchars wname " +
    "wops zone").split(" "),
);

/** A ps format: `key[:width][=header]` items, comma or space separated; a header ends the list. */
const psFormat: WordCheck = (word, what) => {
  ascii(word, what);
  const eq = word.indexOf("=");
  const keys = (eq < 0 ? word : word.slice(0, eq)).split(/[, ]+/).filter(Boolean);
  for (const item of keys) {
    const key = item.replace(/:\d+$/, "").toLowerCase();
    if (!PS_FORMAT_KEYS.has(key)) {
      throw new GrammarRefusal(
        "arguments",
        `ps: the format keyword ${JSON.stringify(key)} is not allowed` +
          (key === "environ"
            ? " (it prints each process's environment, where secrets sit)"
            : " (see ps L for the keywords)"),
      );
    }
  }
};

const LIST = shaped(/^[A-Za-z0-9_.,+-]+$/, "a comma-separated list");
const SORT = shaped(/^[+-]?[A-Za-z%_]+(,[+-]?[A-Za-z%_]+)*$/, "sort keys such as -%mem,pid");

// UNIX options (after one dash) and BSD options (no dash); null: no value, else its check.
const UNIX: Record<string, WordCheck | null> = {
  A: null,
  e: null,
  a: null,
  d: null,
  N: null,
  f: null,
  F: null,
  H: null,
  j: null,
  l: null,
  M: null,
  P: null,
  y: null,
  c: null,
  L: null,
  m: null,
  T: null,
  w: null,
  o: psFormat,
  O: psFormat,
  p: LIST,
  q: LIST,
  C: LIST,
  G: LIST,
  g: LIST,
  s: LIST,
  t: LIST,
  u: LIST,
  U: LIST,
};
const BSD: Record<string, WordCheck | null> = {
  a: null,
  x: null,
  u: null,
  v: null,
  j: null,
  l: null,
  s: null,
  f: null,
  r: null,
  T: null,
  c: null,
  n: null,
  S: null,
  H: null,
  m: null,
  w: null,
  X: null,
  Z: null,
  L: null,
  V: null,
  o: psFormat,
  O: psFormat,
  p: LIST,
  q: LIST,
  t: LIST,
  U: LIST,
  k: SORT,
};
const GNU: Record<string, WordCheck | null> = {
  forest: null,
  "no-headers": null,
  "no-heading": null,
  headers: null,
  heading: null,
  cumulative: null,
  deselect: null,
  context: null,
  version: null,
  info: null,
  sort: SORT,
  format: psFormat,
  pid: LIST,
  ppid: LIST,
  "quick-pid": LIST,
  user: LIST,
  User: LIST,
  group: LIST,
  Group: LIST,
  sid: LIST,
  tty: LIST,
  cols: integer,
  columns: integer,
  width: integer,
  rows: integer,
  lines: integer,
};
const HELP_SECTIONS = [
  "simple",
  "list",
  "output",
  "threads",
  "misc",
  "all",
  "s",
  "l",
  "o",
  "t",
  "m",
  "a",
];

/** ps: BSD words (`aux`), UNIX clusters (`-ef`), GNU long options (`--sort=-%mem`), PID lists. */
const ps: Grammar = {
  program: "ps",
  source: `${PROCPS_SRC}: ps --help all, ps L, ps(1)`,
  synopsis: "ps [BSD letters auxvjlsfrTcnSHmwXZ] [-AeadNfFHjlMPycLmTw] [-o|-O FORMAT] " +
    "[-p|-C|-u|-U|-g|-G|-s|-t LIST] [--sort=KEYS] [--forest] [--no-headers] [PID,...]  " +
    "(no BSD e or environ: they print process environments)",
  check(args) {
    const refuse = (msg: string): never => {
      throw new GrammarRefusal("arguments", `ps: ${msg}`);
    };
    for (let i = 0; i < args.length; i++) {
      const w = args[i];
      ascii(w, "ps: the argument");
      if (w.startsWith("--")) {
        const eq = w.indexOf("=");
        const name = eq < 0 ? w.slice(2) : w.slice(2, eq);
        if (name === "help") {
          if (eq < 0 && HELP_SECTIONS.includes(args[i + 1] ?? "")) i++;
          continue;
        }
        if (!(name in GNU)) refuse(`option --${name} is not allowed (long options are exact)`);
        const check = GNU[name];
        if (check === null) {
          if (eq >= 0) refuse(`option --${name} takes no value`);
          continue;
        }
        const v = eq >= 0 ? w.slice(eq + 1) : args[++i];
        if (v === undefined) refuse(`option --${name} needs a value`);
        check(v!, `the value of --${name}`);
        continue;
      }
      if (/^\d+(,\d+)*$/.test(w)) continue; // a PID list
      const table = w.startsWith("-") ? UNIX : BSD;
      const letters = w.startsWith("-") ? w.slice(1) : w;
      if (letters === "") refuse("a lone '-' is not an option");
      for (let j = 0; j < letters.length; j++) {
        const c = letters[j];
        if (table === BSD && c === "e") {
          refuse(`BSD option e (in ${w}) prints each process's environment, where secrets sit`);
        }
        if (!(c in table)) {
          refuse(`${table === UNIX ? "option -" : "BSD option "}${c} (in ${w}) is not allowed`);
        }
        const check = table[c];
        if (check === null) continue;
        const v = letters.slice(j + 1) || args[++i];
        if (v === undefined) refuse(`option ${c} needs a value`);
        check(v!, `the value of ${c}`);
        break;
      }
    }
  },
};

/** Repeating reports must end well within the longest tool call (300 s). */
function repeatLimit(program: string, delay: number, count: number): void {
  if (delay * (count - 1) > 300) {
    throw new GrammarRefusal(
      "arguments",
      `${program}: ${count} reports ${delay} s apart take longer than 300 seconds`,
    );
  }
}

const free = getoptGrammar({
  program: "free",
  source: `${PROCPS_SRC}: free --help, getopt string bkmghltvc:ws:V`,
  synopsis: "free [-bkmghltvw] [--kilo|--mega|--giga|--tera|--peta|--kibi|--mebi|--gibi|--tebi|" +
    "--pebi|--si] [-c COUNT [-s SECONDS]]",
  options: [
    "-b, --bytes",
    "--kilo",
    "--mega",
    "--giga",
    "--tera",
    "--peta",
    "-k, --kibi",
    "-m, --mebi",
    "-g, --gibi",
    "--tebi",
    "--pebi",
    "-h, --human",
    "--si",
    "-l, --lohi",
    "-t, --total",
    "-v, --committed",
    "-s N, --seconds=N",
    "-c COUNT, --count=COUNT",
    "-w, --wide",
    "--help",
    "-V, --version",
  ],
  values: {
    N: shaped(/^\d{1,4}(\.\d{1,3})?$/, "seconds"),
    COUNT: shaped(/^\d{1,3}$/, "a count up to 999"),
  },
  operands(operands, parsed) {
    noOperands("free")(operands);
    if (has(parsed, "seconds") && !has(parsed, "count")) {
      throw new GrammarRefusal("arguments", "free: -s without -c COUNT repeats forever");
    }
    const value = (key: string, fallback: number) =>
      Number(parsed.options.findLast((o) => o.key === key)?.value ?? fallback);
    repeatLimit("free", value("seconds", 1), value("count", 1));
  },
});

const uptime = getoptGrammar({
  program: "uptime",
  source: `${PROCPS_SRC}: uptime --help`,
  synopsis: "uptime [-p|-s]",
  options: ["-p, --pretty", "-s, --since", "-h, --help", "-V, --version"],
  operands: noOperands("uptime"),
});

const vmstat = getoptGrammar({
  program: "vmstat",
  source: `${PROCPS_SRC}: vmstat --help, getopt string afmnsdDp:S:wthVy`,
  synopsis: "vmstat [-afmnsdDwty] [-p PARTITION] [-S UNIT] [DELAY COUNT]  (a DELAY needs a COUNT)",
  options: [
    "-a, --active",
    "-f, --forks",
    "-m, --slabs",
    "-n, --one-header",
    "-s, --stats",
    "-d, --disk",
    "-D, --disk-sum",
    "-p DEV, --partition=DEV",
    "-S UNIT, --unit=UNIT",
    "-w, --wide",
    "-t, --timestamp",
    "-y, --no-first",
    "-h, --help",
    "-V, --version",
  ],
  values: { DEV: names, UNIT: oneOf(["k", "K", "m", "M"]) },
  operands(operands) {
    if (operands.length === 1) {
      throw new GrammarRefusal("arguments", "vmstat: a DELAY without a COUNT repeats forever");
    }
    if (operands.length > 2) throw new GrammarRefusal("arguments", "vmstat: takes DELAY COUNT");
    for (const o of operands) shaped(/^\d{1,3}$/, "a number up to 999")(o, "vmstat: the number");
    if (operands.length === 2) repeatLimit("vmstat", Number(operands[0]), Number(operands[1]));
  },
});

/** The procps grammars. */
export const PROCPS: readonly Grammar[] = [ps, free, uptime, vmstat];
