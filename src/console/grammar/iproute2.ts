/**
 * Grammars for iproute2: `ip` (reading forms only) and `ss` (listing).
 *
 * Sources: iproute2 6.1.0 (Debian 12; RHEL 9 ships 6.2, Ubuntu 24.04 6.1):
 * ip/ip.c (the global option loop and the `cmds[]` object table), the verb
 * chains of do_ipaddr (ipaddress.c), do_iproute (iproute.c), do_iprule
 * (iprule.c), do_ipneigh (ipneigh.c), do_iplink (iplink.c),
 * do_ipaddrlabel, do_multiaddr, do_ipl2tp and do_netns (ipnetns.c);
 * lib/utils.c matches() and lib/color.c matches_color(); for ss,
 * long_opts[] and the getopt string `dhaletuwxnro460spTbEf:mMiA:D:F:vVzZN:KHSO`
 * in misc/ss.c. In the iproute2 git history the object table and these verb
 * chains keep the same order from v5.10.0 to v7.1.0 (later versions only
 * append objects); ss's -B and -Q are from after 6.1 (older ss rejects them).
 *
 * iproute2 matches words with matches(): a word names an option, object or
 * verb when it is a non-empty prefix of it, and the first entry in table
 * order wins (so `ip link s` is `set`, `ip -b` is `-batch`). The grammar
 * resolves words the same way and is stricter: a word is refused unless
 * EVERY entry it is a prefix of is allowed, so no version's table order can
 * turn an accepted word into a writer (`ip a s` is refused: `s` is also a
 * prefix of `save`).
 *
 * @example
 * ```ts
 * import { IPROUTE2 } from "./iproute2.ts";
 * const ip = IPROUTE2.find((g) => g.program === "ip")!;
 * ip.check(["-br", "addr", "show", "dev", "eth0"]); // fine
 * try { ip.check(["netns", "e", "x", "/bin/sh"]); } catch (e) { console.log((e as Error).message); }
 * ```
 *
 * @module
 */

import { getoptGrammar } from "./getopt.ts";
import { type Grammar, GrammarRefusal } from "./types.ts";
import { ascii, names } from "./words.ts";

/** iproute2's matches(): `word` is a non-empty prefix of `full`. */
export function matches(word: string, full: string): boolean {
  return word.length > 0 && full.startsWith(word);
}

// ip's global options in the order of ip.c's loop (6.1.0). "=" entries are strcmp (exact) there.
const IP_OPTIONS: ReadonlyArray<readonly [string, "prefix" | "exact", boolean]> = [
  // [option, how ip.c compares it, allowed here]
  ["-loops", "prefix", false], // takes a value
  ["-family", "prefix", false], // takes a value (use -4 / -6)
  ["-4", "exact", true],
  ["-6", "exact", true],
  ["-0", "exact", true],
  ["-M", "exact", true],
  ["-B", "exact", true],
  ["-human", "prefix", true],
  ["-human-readable", "prefix", true],
  ["-iec", "prefix", true],
  ["-stats", "prefix", true],
  ["-statistics", "prefix", true],
  ["-details", "prefix", true],
  ["-resolve", "prefix", true],
  ["-oneline", "prefix", true],
  ["-timestamp", "prefix", true],
  ["-tshort", "prefix", true],
  ["-Version", "prefix", true],
  ["-force", "prefix", false], // only matters with -batch
  ["-batch", "prefix", false], // runs commands from a file or stdin
  ["-brief", "prefix", true],
  ["-json", "prefix", true],
  ["-pretty", "prefix", true],
  ["-rcvbuf", "prefix", false], // takes a value
  ["-color", "prefix", true], // matches_color: -c[olor][=always|auto|never]
  ["-help", "prefix", true],
  ["-netns", "prefix", false], // takes a value, switches namespace
  ["-Numeric", "prefix", true],
  ["-all", "prefix", true],
  ["-echo", "exact", false],
];

interface IpObject {
  name: string;
  /** The object's verb chain in its do_*() order; `exact` ones are strcmp there. */
  verbs: readonly string[];
  exact?: readonly string[];
  /** Verbs that only read. */
  read: readonly string[];
}

// ip.c cmds[] (6.1.0), in order. Objects with `read: []` are not allowed at all.
const IP_OBJECTS: readonly IpObject[] = [
  {
    name: "address",
    verbs: [
      "add",
      "change",
      "replace",
      "delete",
      "list",
      "show",
      "lst",
      "flush",
      "save",
      "showdump",
      "restore",
      "help",
    ],
    exact: ["chg"],
    read: ["list", "show", "lst", "showdump", "help"],
  },
  {
    name: "addrlabel",
    verbs: ["list", "lst", "show", "add", "delete", "flush", "help"],
    read: ["list", "lst", "show", "help"],
  },
  {
    name: "maddress",
    verbs: ["add", "delete", "list", "show", "lst", "help"],
    read: ["list", "show", "lst", "help"],
  },
  {
    name: "route",
    verbs: [
      "add",
      "change",
      "replace",
      "prepend",
      "append",
      "test",
      "delete",
      "list",
      "show",
      "lst",
      "get",
      "flush",
      "save",
      "restore",
      "showdump",
      "help",
    ],
    exact: ["chg"],
    read: ["list", "show", "lst", "get", "showdump", "help"],
  },
  {
    name: "rule",
    verbs: ["list", "lst", "show", "save", "restore", "add", "delete", "flush", "help"],
    read: ["list", "lst", "show", "help"],
  },
  ...["neighbor", "neighbour"].map((name) => ({
    name,
    verbs: ["add", "change", "replace", "delete", "get", "show", "lst", "list", "flush", "help"],
    exact: ["chg"],
    read: ["get", "show", "lst", "list", "help"],
  })),
  ...["ntable", "ntbl"].map((name) => ({ name, verbs: [], read: [] })),
  {
    name: "link",
    verbs: [
      "add",
      "set",
      "change",
      "replace",
      "delete",
      "show",
      "lst",
      "list",
      "xstats",
      "afstats",
      "property",
      "help",
    ],
    read: ["show", "lst", "list", "xstats", "afstats", "help"],
  },
  {
    name: "l2tp",
    verbs: ["help", "add", "delete", "show", "lst", "list"],
    read: ["help", "show", "lst", "list"],
  },
  ...[
    "fou",
    "ila",
    "macsec",
    "tunnel",
    "tunl",
    "tuntap",
    "tap",
    "token",
    "tcpmetrics",
    "tcp_metrics",
    "monitor",
    "xfrm",
    "mroute",
    "mrule",
  ].map((name) => ({ name, verbs: [], read: [] })),
  {
    name: "netns",
    verbs: [
      "list",
      "show",
      "lst",
      "list-id",
      "help",
      "add",
      "set",
      "delete",
      "identify",
      "pids",
      "exec",
      "monitor",
      "attach",
    ],
    read: ["list", "show", "lst", "list-id", "help"],
  },
  ...["netconf", "vrf", "sr", "nexthop", "mptcp", "ioam"].map((name) => ({
    name,
    verbs: [],
    read: [],
  })),
  { name: "help", verbs: [], read: [] },
  { name: "stats", verbs: [], read: [] },
];

/** Objects that may be named at all (each with its reading verbs), for messages. */
export const IP_ALLOWED_OBJECTS: readonly string[] = IP_OBJECTS.filter((o) => o.read.length)
  .map((o) => o.name);

const IP_SYNOPSIS = "ip [-4|-6|-0|-M|-B] [-br[ief]] [-c[olor][=WHEN]] [-d[etails]] [-s[tats]] " +
  "[-j[son]] [-p[retty]] [-o[neline]] [-h[uman]] [-iec] [-t[imestamp]] [-ts[hort]] [-N[umeric]] " +
  "[-a[ll]] (addr|addrlabel|maddr|route|rule|neigh|link|l2tp|netns) [show|list|lst (route, " +
  "neigh: get; link: xstats|afstats; netns: list-id)] [SELECTORS]...  (words are refused when " +
  "they could abbreviate a writing verb: write ip addr show, not ip a s)";

function ipRefuse(msg: string): never {
  throw new GrammarRefusal("arguments", `ip: ${msg}`);
}

/** One global option word, resolved the way ip.c's loop would, and refused if any candidate is. */
function ipOption(word: string): void {
  // ip.c: a second leading dash is dropped (--brief is -brief).
  const opt = word.startsWith("--") ? word.slice(1) : word;
  const [base, colorValue] = opt.split("=", 2);
  const candidates = IP_OPTIONS.filter(([name, how]) =>
    how === "exact" ? opt === name : name === "-color" ? matches(base, name) : matches(opt, name)
  );
  if (candidates.length === 0) ipRefuse(`option ${word} is unknown to ip`);
  const refused = candidates.filter(([, , allowed]) => !allowed).map(([n]) => n);
  if (refused.length) {
    ipRefuse(
      `option ${word} is not allowed: ip would read it as ${
        candidates.map(([n]) => n).join(" or ")
      }, and ${refused.join(", ")} ${refused.length > 1 ? "are" : "is"} not allowed ` +
        "(-batch runs commands from a file or stdin, -netns/-loops/-rcvbuf/-family take values)",
    );
  }
  if (candidates.some(([n]) => n === "-color")) {
    if (colorValue !== undefined && !["always", "auto", "never"].includes(colorValue)) {
      ipRefuse(`option ${word}: the color must be always, auto or never`);
    }
  } else if (colorValue !== undefined) {
    ipRefuse(`option ${word} takes no value`);
  }
}

/** The objects a word could name, and the one ip.c picks (the first in table order). */
function ipObjects(word: string): IpObject[] {
  return IP_OBJECTS.filter((o) => matches(word, o.name));
}

function verbCandidates(o: IpObject, word: string): string[] {
  return [...o.verbs.filter((v) => matches(word, v)), ...(o.exact ?? []).filter((v) => v === word)];
}

const ip: Grammar = {
  program: "ip",
  source: "iproute2 6.1.0 (Debian 12): ip/ip.c option loop and cmds[], the do_*() verb chains, " +
    "lib/utils.c matches()",
  synopsis: IP_SYNOPSIS,
  check(args) {
    let i = 0;
    for (; i < args.length; i++) {
      const w = args[i];
      ascii(w, "ip: the argument");
      if (w === "--") {
        i++;
        break;
      }
      if (!w.startsWith("-")) break;
      ipOption(w);
    }
    if (i >= args.length) ipRefuse("needs an object, e.g. ip addr or ip route");
    const objWord = args[i];
    const objects = ipObjects(objWord);
    if (objects.length === 0) ipRefuse(`${JSON.stringify(objWord)} is not an ip object`);
    const closed = objects.filter((o) => o.read.length === 0).map((o) => o.name);
    if (closed.length) {
      ipRefuse(
        `object ${JSON.stringify(objWord)} is not allowed: it could name ${
          objects.map((o) => o.name).join(" or ")
        }, and ${closed.join(", ")} ${closed.length > 1 ? "are" : "is"} not allowed ` +
          `(allowed objects: ${IP_ALLOWED_OBJECTS.join(", ")}; spell the object out)`,
      );
    }
    const verbWord = args[i + 1];
    if (verbWord !== undefined) {
      ascii(verbWord, "ip: the verb");
      for (const o of objects) {
        const cands = verbCandidates(o, verbWord);
        // A word that names no verb of this object makes ip print an error there: harmless. It
        // must name an allowed verb of the object ip actually picks (the first), though.
        if (cands.length === 0 && o !== objects[0]) continue;
        const bad = cands.filter((v) => !o.read.includes(v));
        if (cands.length === 0 || bad.length) {
          ipRefuse(
            `verb ${JSON.stringify(verbWord)} is not allowed for ip ${o.name}` +
              (bad.length
                ? ` (ip matches it as ${cands.join(" or ")}, and ${bad.join(", ")} ${
                  bad.length > 1 ? "are not reading verbs" : "is not a reading verb"
                })`
                : "") +
              `; allowed: ${o.read.join("|")} (spelled out)`,
          );
        }
      }
    }
    for (const w of args.slice(i + 2)) ascii(w, "ip: the selector");
  },
};

const KILL = "kills sockets";
const ss = getoptGrammar({
  program: "ss",
  source: "iproute2 6.1.0 (Debian 12): ss --help, long_opts[] and getopt string in misc/ss.c",
  synopsis: "ss [-hVnroempiTsbtuwxdSM046lHOZzaBQ] [-f FAMILY] [-A QUERY] [FILTER]...  " +
    "(no -K, -D, -F, -N, -E)",
  options: [
    "-h, --help",
    "-V, --version",
    "-n, --numeric",
    "-r, --resolve",
    "-o, --options",
    "-e, --extended",
    "-m, --memory",
    "-p, --processes",
    "-i, --info",
    "-T, --threads",
    "-s, --summary",
    "-b, --bpf",
    "-t, --tcp",
    "-u, --udp",
    "-w, --raw",
    "-x, --unix",
    "-d, --dccp",
    "-S, --sctp",
    "-M, --mptcp",
    "--tipc",
    "--vsock",
    "--xdp",
    "--tipcinfo",
    "--tos",
    "--cgroup",
    "--inet-sockopt",
    "-0, --packet",
    "-4, --ipv4",
    "-6, --ipv6",
    "-l, --listening",
    "-a, --all",
    "-H, --no-header",
    "-O, --oneline",
    "-Z, --context",
    "-z, --contexts",
    "-B, --bound-inactive",
    "-Q, --no-queues",
    "-f FAMILY, --family=FAMILY",
    "-A QUERY, --query=QUERY, --socket=QUERY",
    "-v",
  ],
  values: { FAMILY: names, QUERY: names },
  refused: {
    "-K, --kill": KILL,
    "-D, --diag": "writes a dump file",
    "-F, --filter": "reads the filter from a file",
    "-N, --net": "switches network namespace",
    "-E, --events": "never ends",
  },
  operands(operands) {
    for (const w of operands) ascii(w, "ss: the filter word");
  },
});

/** The iproute2 grammars. */
export const IPROUTE2: readonly Grammar[] = [ip, ss];
