/**
 * Grammars for util-linux: dmesg, lsblk, findmnt, mount (listing only),
 * lscpu.
 *
 * Source: util-linux 2.38.1 (Debian 12): each program's `--help` for the
 * long names and the getopt strings read from the binaries for the value
 * arity (dmesg `CcDdEeF:f:HhJkL::l:n:iPprSs:TtuVWwx`, lsblk
 * `AabdDzE:e:fhJlnMmo:OpPiI:rstVST::w:x:y`, findmnt
 * `AabCcDd:ehiJfF:o:O:p::PklmM:nN:rst:uvRS:T:Uw:Vxy`, mount
 * `aBcfFhilL:m::Mno:O:rRsU:vVwt:T:N:`, lscpu `aBbC::ce::hJp::s:xyV`).
 * RHEL 9 ships 2.37, Ubuntu 24.04 2.39: same options for what is allowed.
 *
 * Refused: dmesg's clear/console/follow options (-C -c -D -E -n -w -W),
 * findmnt --poll (never ends), every mount form but listing, `--sysroot`
 * and `-F` alternative files except through the path checks.
 *
 * @example
 * ```ts
 * import { UTIL_LINUX } from "./util_linux.ts";
 * const dmesg = UTIL_LINUX.find((g) => g.program === "dmesg")!;
 * dmesg.check(["-T", "--level", "err,warn"]); // fine
 * try { dmesg.check(["--cle"]); } catch (e) { console.log((e as Error).message); }
 * ```
 *
 * @module
 */

import { getoptGrammar } from "./getopt.ts";
import { metaPaths, noOperands } from "./operands.ts";
import { checkPath } from "./paths.ts";
import type { Grammar, WordCheck } from "./types.ts";
import { integer, names, oneOf, text } from "./words.ts";

const SRC = "util-linux 2.38.1 (Debian 12): PROG --help, getopt string of the binary";
const src = (p: string) => SRC.replace("PROG", p);
const WHEN = oneOf(["auto", "always", "never"]);
const readFile: WordCheck = (w, what) => checkPath(w, "read", what);
const metaFile: WordCheck = (w, what) => checkPath(w, "meta", what);

const dmesg = getoptGrammar({
  program: "dmesg",
  source: src("dmesg"),
  synopsis: "dmesg [-HJkPprSTtudex] [-l LEVELS] [-f FACILITIES] [-L[WHEN]] [--time-format=FMT] " +
    "[--since TIME] [--until TIME] [-s SIZE] [-F FILE]  (no -C -c -D -E -n -w -W)",
  options: [
    "-F FILE, --file=FILE",
    "-f LIST, --facility=LIST",
    "-H, --human",
    "-J, --json",
    "-k, --kernel",
    "-L[WHEN], --color[=WHEN]",
    "-l LIST, --level=LIST",
    "-P, --nopager",
    "-p, --force-prefix",
    "-r, --raw",
    "--noescape",
    "-S, --syslog",
    "-s SIZE, --buffer-size=SIZE",
    "-u, --userspace",
    "-x, --decode",
    "-d, --show-delta",
    "-e, --reltime",
    "-T, --ctime",
    "-t, --notime",
    "--time-format=FMT",
    "--since=TIME",
    "--until=TIME",
    "-h, --help",
    "-V, --version",
  ],
  values: {
    FILE: readFile,
    LIST: names,
    WHEN,
    SIZE: integer,
    FMT: oneOf(["ctime", "reltime", "delta", "notime", "iso", "raw"]),
    TIME: text,
  },
  refused: {
    "-C, --clear": "clears the kernel log",
    "-c, --read-clear": "clears the kernel log after reading",
    "-D, --console-off": "changes kernel console logging",
    "-E, --console-on": "changes kernel console logging",
    "-n, --console-level": "changes kernel console logging",
    "-w, --follow": "never ends",
    "-W, --follow-new": "never ends",
  },
  operands: noOperands("dmesg"),
});

const lsblk = getoptGrammar({
  program: "lsblk",
  source: src("lsblk"),
  synopsis: "lsblk [-AabDdfJlMmnOPprSstyz] [-o|-E|-x COLUMNS] [-I|-e MAJORS] [-T[COL]] [-w N] " +
    "[DEVICE]...",
  options: [
    "-A, --noempty",
    "-a, --all",
    "-b, --bytes",
    "-D, --discard",
    "-d, --nodeps",
    "-E COL, --dedup=COL",
    "-e LIST, --exclude=LIST",
    "-f, --fs",
    "-I LIST, --include=LIST",
    "-i, --ascii",
    "-J, --json",
    "-l, --list",
    "-M, --merge",
    "-m, --perms",
    "-n, --noheadings",
    "-O, --output-all",
    "-o LIST, --output=LIST",
    "-P, --pairs",
    "-p, --paths",
    "-r, --raw",
    "-S, --scsi",
    "-s, --inverse",
    "-T[COL], --tree[=COL]",
    "-t, --topology",
    "-w N, --width=N",
    "-x COL, --sort=COL",
    "-y, --shell",
    "-z, --zoned",
    "-h, --help",
    "-V, --version",
  ],
  values: { COL: names, LIST: names, N: integer },
  refused: { "--sysroot": "reads another root" },
  operands: metaPaths("lsblk"),
});

const findmnt = getoptGrammar({
  program: "findmnt",
  source: src("findmnt"),
  synopsis: "findmnt [-AabCcDefiJklmnPRrsUuvxy] [-o|-O|-t LIST] [-S SOURCE] [-T PATH] " +
    "[-M DIR] [-d DIR] [-F FILE] [-N TID] [--real|--pseudo] [DEVICE|MOUNTPOINT]...  (no --poll)",
  options: [
    "-s, --fstab",
    "-m, --mtab",
    "-k, --kernel",
    "-A, --all",
    "-a, --ascii",
    "-b, --bytes",
    "-C, --nocanonicalize",
    "-c, --canonicalize",
    "-D, --df",
    "-d WORD, --direction=WORD",
    "-e, --evaluate",
    "-F FILE, --tab-file=FILE",
    "-f, --first-only",
    "-i, --invert",
    "-J, --json",
    "-l, --list",
    "-N TID, --task=TID",
    "-n, --noheadings",
    "-O LIST, --options=LIST",
    "-o LIST, --output=LIST",
    "--output-all",
    "-P, --pairs",
    "--pseudo",
    "-R, --submounts",
    "-r, --raw",
    "--real",
    "-S SOURCE, --source=SOURCE",
    "-T PATH, --target=PATH",
    "--tree",
    "-M PATH, --mountpoint=PATH",
    "-t LIST, --types=LIST",
    "-U, --uniq",
    "-u, --notruncate",
    "-v, --nofsroot",
    "-y, --shell",
    "-x, --verify",
    "--verbose",
    "--vfs-all",
    "-h, --help",
    "-V, --version",
  ],
  values: {
    WORD: oneOf(["forward", "backward"]),
    FILE: readFile,
    TID: integer,
    LIST: names,
    SOURCE: metaFile,
    PATH: metaFile,
  },
  refused: {
    "-p, --poll": "never ends (it waits for mount table changes)",
    "-w, --timeout": "only matters with --poll",
  },
  operands: metaPaths("findmnt"),
});

/** mount lists mounts only without operands and without -a (util-linux mount.c). */
const mount = getoptGrammar({
  program: "mount",
  source: src("mount") + "; listing only (mount.c prints the table when given no source, " +
    "target, operand or -a)",
  synopsis: "mount [-l] [-t TYPES]  (listing only; findmnt shows more)",
  options: ["-l, --show-labels", "-t LIST, --types=LIST", "-h, --help", "-V, --version"],
  values: { LIST: names },
  refused: {
    "-a, --all": "mounts every file system in fstab",
    "-o, --options": "mounts or remounts",
    "-B, --bind": "mounts",
    "-M, --move": "moves a mount",
    "-R, --rbind": "mounts",
    "-T, --fstab": "reads another fstab to mount from",
  },
  operands: noOperands("mount (listing only: any operand mounts something)"),
});

const lscpu = getoptGrammar({
  program: "lscpu",
  source: src("lscpu"),
  synopsis: "lscpu [-aBbcJxy] [-e[LIST]|-p[LIST]|-C[LIST]] [--output-all]",
  options: [
    "-a, --all",
    "-B, --bytes",
    "-b, --online",
    "-C[LIST], --caches[=LIST]",
    "-c, --offline",
    "-J, --json",
    "-e[LIST], --extended[=LIST]",
    "-p[LIST], --parse[=LIST]",
    "-x, --hex",
    "-y, --physical",
    "--output-all",
    "-h, --help",
    "-V, --version",
  ],
  values: { LIST: names },
  refused: { "-s, --sysroot": "reads another root" },
  operands: noOperands("lscpu"),
});

/** The util-linux grammars. */
export const UTIL_LINUX: readonly Grammar[] = [dmesg, lsblk, findmnt, mount, lscpu];
