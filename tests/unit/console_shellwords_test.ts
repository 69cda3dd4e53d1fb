/** The shell-word parser: POSIX quoting, no expansion, shell syntax refused. */

import { assert, assertEquals, assertStringIncludes, assertThrows } from "../support/assert.ts";
import { joinShellWords, ShellWordsError, splitShellWords } from "../../src/console/shellwords.ts";

const argv = (s: string) => splitShellWords(s).argv;

Deno.test("shellwords: whitespace separates words, runs of it count once", () => {
  assertEquals(argv("  df   -h\t/ "), ["df", "-h", "/"]);
  assertEquals(argv(""), []);
});

Deno.test("shellwords: single quotes keep everything literal", () => {
  assertEquals(argv(`grep 'a|b; $HOME \\n "x"' f`), ["grep", 'a|b; $HOME \\n "x"', "f"]);
  assertEquals(argv(`echo ''`), ["echo", ""]);
});

Deno.test('shellwords: double quotes escape only $ ` " \\ and newline', () => {
  assertEquals(argv(`echo "a \\"b\\" c\\\\d \\x"`), ["echo", 'a "b" c\\d \\x']);
  assertEquals(argv(`echo "a\\$b"`), ["echo", "a$b"]);
  assertEquals(argv(`echo "price: $"`), ["echo", "price: $"]);
});

Deno.test("shellwords: backslash escapes outside quotes; adjacent parts join", () => {
  assertEquals(argv(`ls my\\ dir a'b'"c"`), ["ls", "my dir", "abc"]);
  assertEquals(argv("echo a\\\nb"), ["echo", "ab"]);
  assertEquals(argv(`echo \\|`), ["echo", "|"]);
});

Deno.test("shellwords: a backslash before an ordinary character stays (Windows paths)", () => {
  assertEquals(argv("C:\\Windows\\System32\\ipconfig.exe /all"), [
    "C:\\Windows\\System32\\ipconfig.exe",
    "/all",
  ]);
  assertEquals(argv("'C:\\Program Files\\x.exe'"), ["C:\\Program Files\\x.exe"]);
});

Deno.test("shellwords: unterminated quotes and a trailing backslash are errors", () => {
  const e1 = assertThrows(() => splitShellWords(`echo 'abc`), ShellWordsError);
  assertStringIncludes(e1.message, "unterminated single quote");
  assertEquals(e1.position, 5);
  const e2 = assertThrows(() => splitShellWords(`echo "abc`), ShellWordsError);
  assertStringIncludes(e2.message, "unterminated double quote");
  assertStringIncludes(
    assertThrows(() => splitShellWords("echo a\\"), ShellWordsError).message,
    "trailing backslash",
  );
  assertStringIncludes(
    assertThrows(() => splitShellWords("echo a\0b"), ShellWordsError).message,
    "NUL",
  );
});

Deno.test("shellwords: shell operators and expansions outside quotes are refused", () => {
  for (
    const [line, what] of [
      ["ps aux | grep x", "pipe"],
      ["true && rm -rf /", "'&'"],
      ["uptime; reboot", "separator"],
      ["cat < /etc/passwd", "redirection"],
      ["echo x > /etc/motd", "redirection"],
      ["echo $(id)", "'$' expansion"],
      ["echo `id`", "backticks"],
      ["echo $HOME", "'$' expansion"],
      ['echo "${PATH}"', "inside double quotes"],
      ['echo "`id`"', "backticks"],
      ["uptime\nreboot", "newline"],
      ["(reboot)", "subshell"],
      ["ls # comment", "comment"],
    ]
  ) {
    const e = assertThrows(() => splitShellWords(line), ShellWordsError);
    assertStringIncludes(e.message, what, line);
    assertStringIncludes(e.message, "No shell", line);
  }
});

Deno.test("shellwords: wildcards and ~ stay literal, with a note", () => {
  const r = splitShellWords("ls /var/log/*.log ~/x a#b");
  assertEquals(r.argv, ["ls", "/var/log/*.log", "~/x", "a#b"]);
  assert(r.notes.some((n) => n.includes("'*'")), "wildcard noted");
  assert(r.notes.some((n) => n.includes("'~'")), "tilde noted");
  assertEquals(splitShellWords("uptime").notes, []);
});

Deno.test("shellwords: joinShellWords round-trips", () => {
  for (const v of [["ls", "-la"], ["echo", "it's", "a b", ""], ["grep", "a|b", "$x"]]) {
    assertEquals(argv(joinShellWords(v)), v);
  }
  assertEquals(joinShellWords(["df", "-h", "/"]), "df -h /");
});
