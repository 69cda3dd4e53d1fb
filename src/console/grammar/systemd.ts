/**
 * Grammars for systemctl and journalctl: reading verbs and options only.
 *
 * Sources: systemd 252 (Debian 12; RHEL 9 ships 252 too, Ubuntu 24.04
 * 255): `systemctl --help`, `journalctl --help`, the getopt strings in the
 * binaries (systemctl `ht:p:P:alqfs:H:M:n:o:iTr.::`, journalctl
 * `hefo:aln::qmb::kD:p:g:c:S:U:t:u:NF:xrM:`) and journalctl.c's options[]
 * table. systemctl verbs are matched exactly by systemd (verbs.c,
 * streq), so there are no abbreviations to fear; the danger is an option
 * that takes a value hiding the real verb (`--message status reboot`),
 * which is why every option with a value is listed with its value here and
 * every other option is refused.
 *
 * journalctl's `-n` and `-b` take the next word only if it parses as a
 * count or boot (journalctl.c: "Maybe the next word on the command line is
 * supposed to be the argument?"); the grammar does the same.
 *
 * @example
 * ```ts
 * import { SYSTEMD } from "./systemd.ts";
 * const systemctl = SYSTEMD.find((g) => g.program === "systemctl")!;
 * systemctl.check(["status", "nginx", "--no-pager"]); // fine
 * try { systemctl.check(["--message", "status", "reboot"]); } catch (e) {
 *   console.log((e as Error).message);
 * }
 * ```
 *
 * @module
 */

import { getoptGrammar } from "./getopt.ts";
import { checkPath } from "./paths.ts";
import { type Grammar, GrammarRefusal } from "./types.ts";
import { ascii, integer, names, oneOf, shaped, text } from "./words.ts";

/** The systemctl verbs that only read, and what they take. */
export const SYSTEMCTL_READ_VERBS: readonly string[] = [
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
  "list-automounts",
  "list-paths",
  "list-dependencies",
  "list-jobs",
  "list-machines",
  "get-default",
];

const OUTPUT_MODES = [
  "short",
  "short-precise",
  "short-iso",
  "short-iso-precise",
  "short-full",
  "short-monotonic",
  "short-unix",
  "short-delta",
  "verbose",
  "export",
  "json",
  "json-pretty",
  "json-sse",
  "json-seq",
  "cat",
  "with-unit",
];

const UNIT = shaped(/^[A-Za-z0-9_.@:\\*?[\]+-]+$/, "a unit name, pattern or PID");
const ELSEWHERE = "reaches another machine, container or root";

const systemctl = getoptGrammar({
  program: "systemctl",
  source: "systemd 252 (Debian 12): systemctl --help, getopt string ht:p:P:alqfs:H:M:n:o:iTr.::",
  synopsis:
    `systemctl [-alqr] [-t TYPE] [--state=STATE] [--failed] [-p NAME] [-P NAME] [--value] ` +
    "[-n N] [-o MODE] [--no-pager] [--no-legend|--legend=BOOL] [--plain] [--full] [--reverse] " +
    "[--with-dependencies] [--show-types] [--timestamp=FMT] [--system] " +
    `[${SYSTEMCTL_READ_VERBS.join("|")}] [UNIT|PATTERN|PID]...`,
  options: [
    "-h, --help",
    "--version",
    "--system",
    "-t TYPE, --type=TYPE",
    "--state=STATE",
    "--failed",
    "-p NAME, --property=NAME",
    "-P NAME",
    "-a, --all",
    "-l, --full",
    "-r, --recursive",
    "--reverse",
    "--with-dependencies",
    "--show-types",
    "--value",
    "-q, --quiet",
    "--legend=BOOL",
    "--no-legend",
    "--no-pager",
    "--no-ask-password",
    "-n N, --lines=N",
    "-o MODE, --output=MODE",
    "--plain",
    "--timestamp=FMT",
  ],
  values: {
    TYPE: names,
    STATE: names,
    NAME: names,
    BOOL: oneOf(["yes", "no", "true", "false", "1", "0", "on", "off"]),
    N: integer,
    MODE: oneOf(OUTPUT_MODES),
    FMT: oneOf(["pretty", "unix", "us", "utc", "us+utc"]),
  },
  refused: {
    "-H, --host": ELSEWHERE,
    "-M, --machine": ELSEWHERE,
    "--root": ELSEWHERE,
    "--image": ELSEWHERE,
    "--user": "talks to a user manager",
    "-s, --signal": "only for kill",
    "--kill-whom": "only for kill",
    "--message": "only for shutdown verbs, and its value would hide the verb",
    "-f, --force": "only for changing verbs",
    "-i": "only for shutdown verbs",
    "--now": "only for changing verbs",
    "--runtime": "only for changing verbs",
    "--global": "only for changing verbs",
    "--job-mode": "only for changing verbs",
    "--what": "only for clean",
    "--wait": "only for changing verbs",
    "--no-block": "only for changing verbs",
    "--no-wall": "only for shutdown verbs",
  },
  operands(operands) {
    const [verb, ...rest] = operands;
    if (verb !== undefined && !SYSTEMCTL_READ_VERBS.includes(verb)) {
      throw new GrammarRefusal(
        "arguments",
        `systemctl: verb ${JSON.stringify(verb)} is not allowed; allowed: ` +
          `${SYSTEMCTL_READ_VERBS.join("|")} UNIT…`,
      );
    }
    for (const u of rest) UNIT(u, `systemctl ${verb}: the unit`);
  },
});

const BOOT = shaped(
  /^(all|[+-]?\d{1,6}|[0-9a-fA-F]{32}([+-]\d{1,6})?)$/,
  "a boot: all, an offset (0, -1) or a boot ID",
);
const LINES = shaped(/^(all|\d{1,9})$/, "a line count or all");

const journalctl = getoptGrammar({
  program: "journalctl",
  source: "systemd 252 (Debian 12): journalctl --help, getopt string " +
    "hefo:aln::qmb::kD:p:g:c:S:U:t:u:NF:xrM:, options[] in src/journal/journalctl.c",
  synopsis: "journalctl [-u UNIT]... [--user-unit=UNIT] [-t ID] [-p RANGE] [--facility=F] " +
    "[-g PATTERN] [-k] [-b [BOOT]] [-S DATE] [-U DATE] [-c CURSOR] [--after-cursor=CURSOR] " +
    "[-n [N]] [-o MODE] [--output-fields=LIST] [-r] [-x] [-a] [-q] [-m] [-e] [--no-pager] " +
    "[--utc] [--no-hostname] [--no-full] [--show-cursor] [--list-boots] [--disk-usage] " +
    "[--header] [-N] [-F FIELD] [MATCH|+]...  (no -f, --vacuum-*, --rotate, --flush, --sync, " +
    "--cursor-file, --setup-keys, --update-catalog, -D/--file/--root/-M)",
  options: [
    "--system",
    "-m, --merge",
    "-S DATE, --since=DATE",
    "-U DATE, --until=DATE",
    "-c CURSOR, --cursor=CURSOR",
    "--after-cursor=CURSOR",
    "-b[+BOOT], --boot[+=BOOT]",
    "--this-boot",
    "-u UNIT, --unit=UNIT",
    "--user-unit=UNIT",
    "-t ID, --identifier=ID",
    "-p RANGE, --priority=RANGE",
    "--facility=FACILITY",
    "-g PATTERN, --grep=PATTERN",
    "--case-sensitive[=BOOL]",
    "-k, --dmesg",
    "-o MODE, --output=MODE",
    "--output-fields=LIST",
    "-n[+LINES], --lines[+=LINES]",
    "-r, --reverse",
    "--show-cursor",
    "--utc",
    "-x, --catalog",
    "--no-hostname",
    "--no-full",
    "-l, --full",
    "-a, --all",
    "-q, --quiet",
    "--no-pager",
    "-e, --pager-end",
    "-h, --help",
    "--version",
    "-N, --fields",
    "-F FIELD, --field=FIELD",
    "--list-boots",
    "--disk-usage",
    "--header",
    "--list-catalog",
    "--dump-catalog",
  ],
  values: {
    DATE: text,
    CURSOR: ascii,
    BOOT,
    LINES,
    UNIT,
    ID: ascii,
    RANGE: shaped(/^[a-z0-7]+(\.\.[a-z0-7]+)?$/, "a priority or range such as err or 0..3"),
    FACILITY: names,
    PATTERN: text,
    BOOL: oneOf(["yes", "no", "true", "false", "1", "0", "on", "off"]),
    MODE: oneOf(OUTPUT_MODES),
    LIST: names,
    FIELD: names,
  },
  refused: {
    "-f, --follow": "never ends; use -n N",
    "--no-tail": "only matters with --follow",
    "--cursor-file": "writes (overwrites) the cursor file",
    "--vacuum-size": "deletes journal files",
    "--vacuum-files": "deletes journal files",
    "--vacuum-time": "deletes journal files",
    "--rotate": "rotates the journal",
    "--flush": "moves the journal to /var",
    "--sync": "makes journald write out",
    "--relinquish-var": "changes where journald logs",
    "--smart-relinquish-var": "changes where journald logs",
    "--setup-keys": "creates sealing keys",
    "--force": "only for --setup-keys",
    "--interval": "only for --setup-keys",
    "--verify-key": "only for --verify",
    "--update-catalog": "writes the catalog database",
    "-D, --directory": ELSEWHERE,
    "--file": ELSEWHERE,
    "--root": ELSEWHERE,
    "--image": ELSEWHERE,
    "-M, --machine": ELSEWHERE,
    "--namespace": ELSEWHERE,
  },
  operands(operands) {
    for (const m of operands) {
      if (m === "+") continue; // OR between match groups
      ascii(m, "journalctl: the match");
      if (m.startsWith("/")) {
        checkPath(m, "meta", "journalctl: the path");
        continue;
      }
      if (!/^[A-Z0-9_]+=/.test(m)) {
        throw new GrammarRefusal(
          "arguments",
          `journalctl: ${JSON.stringify(m)} is not a match (FIELD=VALUE, an executable path, or +)`,
        );
      }
    }
  },
});

/** The systemd grammars. */
export const SYSTEMD: readonly Grammar[] = [systemctl, journalctl];
