/**
 * Grammars for the Windows programs: ipconfig, systeminfo, tasklist, and
 * whoami (also GNU whoami on Linux guests). Windows programs take
 * `/option` switches, case-insensitively, usually also as `-option`; the
 * grammar matches a switch word exactly (no abbreviations) against the
 * allowed list and refuses everything else, naming the writers
 * (`/release`, `/renew`, `/flushdns`…) and the remote forms (`/s`, `/u`,
 * `/p`) explicitly.
 *
 * Source: Microsoft's Windows Commands reference, Windows Server 2022
 * (MicrosoftDocs/windowsserverdocs, WindowsServerDocs/administration/
 * windows-commands/{ipconfig,systeminfo,tasklist,whoami}.md); GNU coreutils
 * 9.1 whoami --help for the Linux side.
 *
 * @example
 * ```ts
 * import { WINDOWS } from "./windows.ts";
 * const ipconfig = WINDOWS.find((g) => g.program === "ipconfig")!;
 * ipconfig.check(["/all"]); // fine
 * try { ipconfig.check(["/release"]); } catch (e) { console.log((e as Error).message); }
 * ```
 *
 * @module
 */

import { type Grammar, GrammarRefusal, type WordCheck } from "./types.ts";
import { ascii, names, oneOf } from "./words.ts";

const DOCS = "Microsoft Windows Commands reference (Windows Server 2022), " +
  "MicrosoftDocs/windowsserverdocs windows-commands/NAME.md";

interface SlashSpec {
  program: string;
  source: string;
  synopsis: string;
  /** Allowed switches (lower case, without the prefix): null = no value, else the value check. */
  switches: Readonly<Record<string, WordCheck | null>>;
  /** Switches whose value is optional: taken when the next word is not a switch. */
  optionalValue?: readonly string[];
  /** Refused switches with the reason (documentation for the model). */
  refused: Readonly<Record<string, string>>;
  /** Extra words a Linux program of the same name accepts (e.g. GNU --help). */
  alsoExact?: readonly string[];
}

/** A grammar for a program that takes `/switch` (or `-switch`) words and no operands. */
export function slashGrammar(spec: SlashSpec): Grammar {
  const refuse = (msg: string): never => {
    throw new GrammarRefusal("arguments", `${spec.program}: ${msg}`);
  };
  return {
    program: spec.program,
    source: spec.source,
    synopsis: spec.synopsis,
    check(args) {
      for (let i = 0; i < args.length; i++) {
        const w = args[i];
        ascii(w, `${spec.program}: the argument`);
        if (spec.alsoExact?.includes(w)) continue;
        if (!/^[/-]/.test(w)) refuse(`takes no operands, but got ${JSON.stringify(w)}`);
        const name = w.slice(1).toLowerCase();
        const why = spec.refused[name];
        if (why) refuse(`${w} is not allowed (${why})`);
        if (!(name in spec.switches)) {
          refuse(`${w} is not an allowed switch (switches are matched exactly, in full)`);
        }
        const check = spec.switches[name];
        if (check === null) continue;
        const next = args[i + 1];
        if (spec.optionalValue?.includes(name) && (next === undefined || /^[/-]/.test(next))) {
          continue;
        }
        if (next === undefined) refuse(`${w} needs a value`);
        check(next, `the value of ${w}`);
        i++;
      }
    },
  };
}

const REMOTE = "runs against another computer";
const PASSWORD = "passes credentials";
const FORMAT = oneOf(["table", "list", "csv", "TABLE", "LIST", "CSV", "Table", "List", "Csv"]);

const ipconfig = slashGrammar({
  program: "ipconfig",
  source: DOCS.replace("NAME", "ipconfig"),
  synopsis: "ipconfig [/all] [/allcompartments] [/displaydns]",
  switches: { all: null, allcompartments: null, displaydns: null, "?": null },
  refused: {
    release: "drops the DHCP lease",
    release6: "drops the DHCPv6 lease",
    renew: "renews the DHCP lease",
    renew6: "renews the DHCPv6 lease",
    flushdns: "empties the DNS cache",
    registerdns: "re-registers DNS names",
    setclassid: "changes the DHCP class",
    setclassid6: "changes the DHCPv6 class",
    showclassid: "takes an adapter name; not needed for diagnosis",
    showclassid6: "takes an adapter name; not needed for diagnosis",
  },
});

const systeminfo = slashGrammar({
  program: "systeminfo",
  source: DOCS.replace("NAME", "systeminfo"),
  synopsis: "systeminfo [/fo TABLE|LIST|CSV] [/nh]",
  switches: { fo: FORMAT, nh: null, "?": null },
  refused: { s: REMOTE, u: PASSWORD, p: PASSWORD },
});

const FILTER: WordCheck = (w, what) => ascii(w, what);

const tasklist = slashGrammar({
  program: "tasklist",
  source: DOCS.replace("NAME", "tasklist"),
  synopsis: "tasklist [/m [MODULE]|/svc|/v|/apps] [/fi FILTER]... [/fo TABLE|LIST|CSV] [/nh]",
  switches: {
    m: names,
    svc: null,
    v: null,
    apps: null,
    fi: FILTER,
    fo: FORMAT,
    nh: null,
    "?": null,
  },
  optionalValue: ["m"],
  refused: { s: REMOTE, u: PASSWORD, p: PASSWORD },
});

/**
 * whoami on both systems: Windows' switches (all read the caller's own token) and GNU's
 * --help/--version. Each system rejects the other's words with an error and nothing else.
 */
const whoami = slashGrammar({
  program: "whoami",
  source: `${DOCS.replace("NAME", "whoami")}; GNU coreutils 9.1 whoami --help`,
  synopsis: "whoami [/upn|/fqdn|/logonid|/user|/groups|/claims|/priv|/all] [/fo FORMAT] [/nh]  " +
    "(Windows), whoami (Linux)",
  switches: {
    upn: null,
    fqdn: null,
    logonid: null,
    user: null,
    groups: null,
    claims: null,
    priv: null,
    all: null,
    fo: FORMAT,
    nh: null,
    "?": null,
  },
  refused: {},
  alsoExact: ["--help", "--version"],
});

/** The Windows grammars. */
export const WINDOWS: readonly Grammar[] = [ipconfig, systeminfo, tasklist, whoami];
