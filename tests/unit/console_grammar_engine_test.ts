/**
 * The grammar engine: getopt_long semantics (clusters, attached and separate
 * values, exact long options, `--`, permutation, peeking values), the word
 * checks, and path resolution (aliases, Windows forms, recursion roots).
 */

import { assert, assertEquals, assertStringIncludes, assertThrows } from "../support/assert.ts";
import { getoptGrammar, has } from "../../src/console/grammar/getopt.ts";
import {
  checkPath,
  checkRecursiveRoot,
  linuxPath,
  windowsPath,
} from "../../src/console/grammar/paths.ts";
import { GrammarRefusal } from "../../src/console/grammar/types.ts";
import { ascii, integer, text } from "../../src/console/grammar/words.ts";
import { matches } from "../../src/console/grammar/iproute2.ts";

const demo = getoptGrammar({
  program: "demo",
  source: "test",
  synopsis: "demo [-ab] [-n N] [-I[FMT]] [-x[+N]] [FILE]...",
  options: [
    "-a, --all",
    "-b",
    "-n N, --lines=N",
    "-I[FMT], --iso[=FMT]",
    "-x[+N], --peek[+=N]",
    "--color[=WHEN]",
    "-k KEY, --key=KEY",
  ],
  values: { N: integer },
  refused: { "-o, --output": "writes a file" },
  operands: () => {},
});

function refused(args: string[]): GrammarRefusal {
  return assertThrows(() => demo.parse(args), GrammarRefusal);
}

Deno.test("getopt: clusters, attached and separate values", () => {
  const p = demo.parse(["-abn5", "f1", "-n", "7", "--lines=8", "--lines", "9", "f2"]);
  assertEquals(p.operands, ["f1", "f2"]);
  assertEquals(p.options.map((o) => [o.key, o.value]), [
    ["all", undefined],
    ["b", undefined],
    ["lines", "5"],
    ["lines", "7"],
    ["lines", "8"],
    ["lines", "9"],
  ]);
  assert(has(p, "all") && !has(p, "peek"));
  // A required value takes the next word even when it starts with '-' (so -o is not an option).
  assertEquals(demo.parse(["-k", "-o"]).options, [{ key: "key", value: "-o", word: "-k -o" }]);
  assertEquals(demo.parse(["--key", "--output"]).options[0].value, "--output");
  assertThrows(() => demo.parse(["-n", "-5"]), GrammarRefusal); // the value is still checked
});

Deno.test("getopt: optional values only attach; --opt VALUE leaves VALUE an operand", () => {
  assertEquals(demo.parse(["-Idate"]).options[0].value, "date");
  assertEquals(demo.parse(["-I", "date"]).operands, ["date"]);
  assertEquals(demo.parse(["--iso=date"]).options[0].value, "date");
  assertEquals(demo.parse(["--iso", "date"]).operands, ["date"]);
  assertEquals(demo.parse(["--color=never", "--color"]).options.map((o) => o.value), [
    "never",
    undefined,
  ]);
});

Deno.test("getopt: peeking values take the next word only when it parses", () => {
  assertEquals(demo.parse(["-x", "5", "f"]).operands, ["f"]);
  assertEquals(demo.parse(["-x", "f"]).operands, ["f"]);
  assertEquals(demo.parse(["--peek", "5"]).options[0].value, "5");
  assertEquals(demo.parse(["-x5"]).options[0].value, "5");
});

Deno.test("getopt: long options are exact; abbreviations name what they abbreviate", () => {
  assertStringIncludes(refused(["--al"]).message, "--al abbreviates --all");
  assertStringIncludes(refused(["--out=x"]).message, "--out abbreviates --output");
  assertStringIncludes(refused(["--output=x"]).message, "writes a file");
  assertStringIncludes(refused(["-o", "x"]).message, "writes a file");
  assertStringIncludes(refused(["-ao"]).message, "option -o (in -ao)");
  assertStringIncludes(refused(["--all=yes"]).message, "takes no value");
  assertStringIncludes(refused(["--lines"]).message, "needs a value");
  assertStringIncludes(refused(["--nope"]).message, "--nope is not allowed");
});

Deno.test("getopt: -- ends options, - is an operand, options after operands still count", () => {
  assertEquals(demo.parse(["--", "-o", "--output"]).operands, ["-o", "--output"]);
  assertEquals(demo.parse(["-"]).operands, ["-"]);
  assertStringIncludes(refused(["f", "-o", "x"]).message, "-o");
});

Deno.test("getopt: option words are ASCII", () => {
  const e = refused(["--l\u0131nes=5"]);
  assertEquals(e.kind, "characters");
  assertEquals(refused(["\u2212o"]).kind, "characters");
});

Deno.test("words: control and invisible characters, ASCII, text", () => {
  for (const w of ["a\nb", "a\tb", "a\u0000", "a\u200bb", "a\u202eb", "\u00ad-x"]) {
    assertEquals(assertThrows(() => text(w, "w"), GrammarRefusal).kind, "characters", w);
  }
  assertThrows(() => ascii("caf\u00e9", "w"), GrammarRefusal);
  text("caf\u00e9", "w");
  assertThrows(() => text("\u2010x", "w"), GrammarRefusal);
});

Deno.test("iproute2 matches(): a non-empty prefix", () => {
  assert(matches("s", "show") && matches("show", "show") && !matches("shows", "show"));
  assert(!matches("", "show"));
});

Deno.test("paths: Linux resolution from /, aliases and /proc", () => {
  assertEquals(linuxPath("etc/./shadow"), "/etc/shadow");
  assertEquals(linuxPath("/a/../../etc//x"), "/etc/x");
  assertEquals(linuxPath("/var/run/secrets/x"), "/run/secrets/x");
  for (
    const p of [
      "/proc/self/root/etc/hosts",
      "/proc/1/cwd",
      "/proc/1/fd/3",
      "/proc/thread-self/environ",
      "/proc/1/task/1/root",
      "/var/run/secrets/kubernetes.io/token",
      "/dev/sda1",
      "/etc/pve/priv/token.cfg",
    ]
  ) {
    assertEquals(assertThrows(() => checkPath(p, "read"), GrammarRefusal).kind, "secret", p);
  }
  for (
    const p of ["/proc/1/status", "/proc/self/net/tcp", "/proc/1/task/2/stat", "/dev/null", "-"]
  ) {
    checkPath(p, "read");
  }
  checkPath("/dev/sda1", "meta"); // lsblk, stat and df may name devices
  assertThrows(() => checkPath("/proc/1/root", "meta"), GrammarRefusal);
});

Deno.test("paths: Windows forms", () => {
  assertEquals(windowsPath("C:\\Windows\\System32\\CONFIG\\SAM."), {
    path: "c:/windows/system32/config/sam",
  });
  assertEquals(windowsPath("\\Windows\\x"), { path: "c:/windows/x" });
  assertEquals(windowsPath("drivers\\etc\\hosts"), {
    path: "c:/windows/system32/drivers/etc/hosts",
  });
  assertEquals(windowsPath("C:\\Windows\\Sysnative\\config\\SAM"), {
    path: "c:/windows/system32/config/sam",
  });
  assertEquals(windowsPath("C:\\x\\file.txt::$DATA"), { path: "c:/x/file.txt" });
  for (const w of ["\\\\host\\share\\x", "//host/share", "C:\\PROGRA~1\\x", "C:x"]) {
    assert("refused" in windowsPath(w), w);
  }
  for (
    const w of [
      "C:\\Users\\All Users\\Microsoft\\Crypto\\RSA\\MachineKeys\\x",
      "c:/windows/panther/UNATTEND.XML",
      "D:\\backup\\db.kdbx",
    ]
  ) {
    assertThrows(() => checkPath(w, "read"), GrammarRefusal);
  }
  checkPath("C:\\Windows\\Logs\\CBS\\CBS.log", "read");
});

Deno.test("paths: wildcards and recursion roots", () => {
  assertEquals(
    assertThrows(() => checkPath("/var/log/*.log", "read"), GrammarRefusal).kind,
    "arguments",
  );
  for (
    const r of [
      "/",
      "/etc",
      "/etc/nginx",
      "/home",
      "/home/u",
      "/var",
      "/var/lib/x",
      "..",
      "C:\\",
      "C:\\Users",
    ]
  ) {
    assertThrows(() => checkRecursiveRoot(r), GrammarRefusal);
  }
  for (
    const r of ["/var/log", "/var/log/nginx", "/opt/app/logs", "/srv/www", "C:\\inetpub\\logs"]
  ) {
    checkRecursiveRoot(r);
  }
});
