/** The iproute2, hostname and netstat grammars. */

import { assertStringIncludes } from "../support/assert.ts";
import { grammar, grammarAccepts, grammarRefuses } from "./console_support.ts";

const w = (s: string) => s.split(" ").filter(Boolean);

Deno.test("ip: reading objects and verbs, spelled so no table order can make them writers", () => {
  grammarAccepts(
    "ip",
    w("addr"),
    w("a"),
    w("address show dev eth0"),
    w("a show"),
    w("-br -c a"),
    w("-4 -o addr list"),
    w("--brief addr"),
    w("-color=never link"),
    w("r"),
    w("route get 1.1.1.1"),
    w("r get 1.1.1.1"),
    w("-6 route show table all"),
    w("rule list"),
    w("neigh"),
    w("neighbour show dev eth0"),
    w("link"),
    w("l"),
    w("-s -s link show eth0"),
    w("-d -j -p link show"),
    w("link xstats type bridge"),
    w("netns"),
    w("netns list"),
    w("maddr"),
    w("-- addr"),
    w("-h -iec -ts -N -a addr"),
  );
  grammarRefuses(
    "ip",
    "arguments",
    [],
    w("-br"),
    w("a s"),
    w("a a 10.0.0.1/24 dev eth0"),
    w("addr del 10.0.0.1/24 dev eth0"),
    w("addr flush dev eth0"),
    w("addr save"),
    w("link s eth0 up"),
    w("l s eth0 up"),
    w("link set eth0 up"),
    w("link p"),
    w("r s"),
    w("route add default via 10.0.0.1"),
    w("route restore"),
    w("rule add"),
    w("rule s"),
    w("n"),
    w("ne show"),
    w("neigh f all"),
    w("netns e x sh"),
    w("netns exec x sh"),
    w("netns set x 1"),
    w("m"),
    w("mon"),
    w("monitor"),
    w("xfrm state"),
    w("tuntap"),
    w("vrf exec x sh"),
    w("-b x"),
    w("-ba x"),
    w("--batch x"),
    w("-force -b x"),
    w("-n x addr"),
    w("-netns x addr"),
    w("-r addr"),
    w("-f inet addr"),
    w("-l 5 addr"),
    w("- addr"),
    w("-e addr"),
    w("-stats=1 addr"),
    w("-color=red addr"),
    w("bogus"),
    w("addr bogus"),
  );
  const e = (() => {
    try {
      grammar("ip").check(w("link s eth0 down"));
    } catch (err) {
      return (err as Error).message;
    }
    return "";
  })();
  assertStringIncludes(e, "set or show");
  assertStringIncludes(e, "allowed: show|lst|list");
});

Deno.test("ss: listing sockets; never killing, dumping or following", () => {
  grammarAccepts("ss", [], w("-tlnp"), w("-s"), w("-tunap"), w("-tn state established"));
  grammarAccepts(
    "ss",
    w("-o state established ( dport = :ssh )"),
    w("-A tcp,udp"),
    w("--family=inet"),
  );
  grammarRefuses(
    "ss",
    "arguments",
    w("-K"),
    w("-tK dst 1.1.1.1"),
    w("--kill"),
    w("--ki"),
    w("-D /tmp/x"),
  );
  grammarRefuses(
    "ss",
    "arguments",
    w("-F /etc/filter"),
    w("-N ns"),
    w("-E"),
    w("--events"),
    w("--diag=x"),
  );
});

Deno.test("hostname: reading the name on Linux and Windows", () => {
  grammarAccepts("hostname", [], w("-f"), w("-I"), w("--fqdn"), w("-s"), w("--all-ip-addresses"));
  grammarRefuses(
    "hostname",
    "arguments",
    w("new"),
    w("-F /etc/hostname"),
    w("-b"),
    w("--fi=x"),
    w("-y nis"),
  );
});

Deno.test("netstat: Linux and Windows listing forms, never repeating", () => {
  grammarAccepts(
    "netstat",
    [],
    w("-tlnp"),
    w("-ano"),
    w("-r"),
    w("-rn"),
    w("-s -p tcp"),
    w("-an -p udp"),
  );
  grammarAccepts("netstat", w("-i"), w("--statistics"), w("-A inet6"), w("-e -s"), w("-b"));
  grammarRefuses("netstat", "arguments", w("5"), w("-ano 5"), w("-c"), w("--continuous"), w("/a"));
  grammarRefuses("netstat", "arguments", w("--cont"), w("-p tcp 1"), w("-T"));
});
