/**
 * Grammars for hostname and netstat, which exist on Linux and Windows guests
 * under the same name; each grammar is the set of forms that read on both.
 *
 * Sources: Debian hostname 3.23 (`hostname --help`, getopt string
 * `aAdfbF:h?iIsVy` from the binary); net-tools 2.10 (Debian 12) `netstat
 * --help` and getopt string `A:CFMacdeghilnNoprsStuUvVWw2fx64?Z`; Microsoft
 * Windows Commands reference (hostname.md, netstat.md, Windows Server 2022).
 *
 * hostname: any operand (or -F FILE, -b) sets the name on Linux; Windows'
 * hostname.exe cannot set it at all. netstat: `-c` (Linux) and an interval
 * operand (Windows) repeat forever; Windows' `-p` takes a protocol, which
 * Linux netstat rejects as an extra word, so protocol names are the only
 * operands.
 *
 * @example
 * ```ts
 * import { NETTOOLS } from "./nettools.ts";
 * const netstat = NETTOOLS.find((g) => g.program === "netstat")!;
 * netstat.check(["-tlnp"]); netstat.check(["-ano"]); // fine
 * try { netstat.check(["-o", "5"]); } catch (e) { console.log((e as Error).message); }
 * ```
 *
 * @module
 */

import { getoptGrammar } from "./getopt.ts";
import { type Grammar, GrammarRefusal } from "./types.ts";
import { names } from "./words.ts";

const hostname = getoptGrammar({
  program: "hostname",
  source: "Debian hostname 3.23 (Debian 12): hostname --help, getopt string aAdfbF:h?iIsVy; " +
    "Windows hostname.md (takes no parameters, cannot set the name)",
  synopsis: "hostname [-a|-A|-d|-f|-i|-I|-s|-y]  (no NAME, -F or -b: they set the name)",
  options: [
    "-a, --alias",
    "-A, --all-fqdns",
    "-d, --domain",
    "-f, --fqdn, --long",
    "-i, --ip-address",
    "-I, --all-ip-addresses",
    "-s, --short",
    "-y, --yp, --nis",
    "-h, --help",
    "-V, --version",
  ],
  refused: {
    "-F, --file": "sets the host name from a file",
    "-b, --boot": "sets the host name",
  },
  operands(operands) {
    if (operands.length) {
      throw new GrammarRefusal(
        "arguments",
        `hostname: the operand ${JSON.stringify(operands[0])} would set the host name; only ` +
          "reading is allowed",
      );
    }
  },
});

const PROTOCOLS = ["tcp", "udp", "tcpv6", "udpv6", "icmp", "icmpv6", "ip", "ipv6"];

const netstat = getoptGrammar({
  program: "netstat",
  source: "net-tools 2.10 (Debian 12): netstat --help, getopt string " +
    "A:CFMacdeghilnNoprsStuUvVWw2fx64?Z; Windows netstat.md (Windows Server 2022)",
  synopsis: "netstat [-abeflnoprstuwxyCFgiMNSUvWZ46] [-A FAMILY] [--LONG-OPTION]... " +
    "[tcp|udp|tcpv6|udpv6|icmp|ip…]  (no -c, no interval: they repeat forever)",
  options: [
    "-r, --route",
    "-i, --interfaces",
    "-g, --groups",
    "-s, --statistics",
    "-M, --masquerade",
    "-v, --verbose",
    "-W, --wide",
    "-n, --numeric",
    "--numeric-hosts",
    "--numeric-ports",
    "--numeric-users",
    "-N, --symbolic",
    "-e, --extend",
    "-p, --programs",
    "-o, --timers",
    "-l, --listening",
    "-a, --all",
    "-F, --fib",
    "-C, --cache",
    "-Z, --context",
    "-t, --tcp",
    "-u, --udp",
    "-U, --udplite",
    "-S, --sctp",
    "-w, --raw",
    "-x, --unix",
    "-4",
    "-6",
    "-A FAMILY, --protocol=FAMILY",
    "--inet",
    "--inet6",
    // Windows-only letters (Linux netstat rejects them): -b executable, -f FQDN, -q bound ports,
    // -y connection template.
    "-b",
    "-f",
    "-q",
    "-y",
    "-h, --help",
    "-V, --version",
  ],
  values: { FAMILY: names },
  refused: {
    "-c, --continuous": "repeats forever",
  },
  operands(operands) {
    for (const o of operands) {
      if (!PROTOCOLS.includes(o.toLowerCase())) {
        throw new GrammarRefusal(
          "arguments",
          `netstat: ${JSON.stringify(o)} is not a protocol (${PROTOCOLS.join(", ")})` +
            (/^\d+$/.test(o) ? "; a number is Windows' repeat interval, which never ends" : ""),
        );
      }
    }
  },
});

/** The hostname and netstat grammars. */
export const NETTOOLS: readonly Grammar[] = [hostname, netstat];
