/**
 * Shell mode's parsers: the sh subset (sh_script.ts) and the PowerShell
 * subset (ps_script.ts) yield exactly the commands a shell would run, and
 * refuse every construct outside the subset.
 */

import { assertEquals, assertStringIncludes, assertThrows } from "../support/assert.ts";
import { parseShScript, ShScriptError } from "../../src/console/sh_script.ts";
import { parsePsScript, PsScriptError } from "../../src/console/ps_script.ts";
import { acceptsScript, policy, refusesScript } from "./console_support.ts";

Deno.test("sh subset: words as sh splits them", () => {
  assertEquals(parseShScript("ps aux | grep 'qemu ga' && uptime; uname -a"), [
    ["ps", "aux"],
    ["grep", "qemu ga"],
    ["uptime"],
    ["uname", "-a"],
  ]);
  assertEquals(parseShScript(`echo "a \\"b\\"" c\\ d e''f`), [["echo", 'a "b"', "c d", "ef"]]);
  assertEquals(
    parseShScript("cat /e\\tc/x"),
    [["cat", "/etc/x"]],
    "backslash quotes the next char",
  );
  assertEquals(parseShScript("uptime\n\nfree -m;"), [["uptime"], ["free", "-m"]]);
  assertEquals(parseShScript("uptime 2>/dev/null >/dev/null 2>&1 >&2 1>&2"), [["uptime"]]);
  assertEquals(parseShScript("echo 2>/dev/null x"), [["echo", "x"]]);
  assertEquals(parseShScript("echo a=b 'A=1'"), [["echo", "a=b", "A=1"]]);
  assertEquals(parseShScript("grep -c '$HOME' /x"), [["grep", "-c", "$HOME", "/x"]]);
});

Deno.test("sh subset: every other construct is refused, naming it", () => {
  const cases: Array<[string, string]> = [
    ["uptime $(id)", "command substitution"],
    ['uptime "$(id)"', "command substitution"],
    ["uptime '$(id)'", "command substitution"],
    ["uptime `id`", "backtick"],
    ["echo $HOME", "$ expansion"],
    ['echo "$HOME"', "inside double quotes"],
    ["echo \\$HOME", "escaped $"],
    ["echo x 1<>f", "redirection 1<>"],
    ["echo x >|f", "redirection >|"],
    ["echo x >&f", "redirection >&"],
    ["echo x &>f", "&>"],
    ["echo x >>/dev/null", "redirection >>"],
    ["echo x 3>/dev/null", "redirection 3>"],
    ["echo x 2>&3", "redirection 2>&"],
    ["cat <f", "redirection <"],
    ["cat <(id)", "redirection <"],
    ["cat <<E", "redirection <<"],
    ["LD_PRELOAD=/x uptime", "assignment LD_PRELOAD="],
    ["A= uptime", "assignment A="],
    ["uptime &", "background"],
    ["uptime |& cat", "|&"],
    ["(uptime)", "subshells"],
    ["{ uptime; }", "subshells"],
    ["echo a{b,c}", "brace"],
    ["cat /x*", "wildcard"],
    ["cat /x?", "wildcard"],
    ["cat [x]", "wildcard"],
    ["cat ~/x", "~"],
    ["! uptime", "!"],
    ["uptime # c", "comment"],
    ["if uptime; then id; fi", "reserved word"],
    ["case x in", "reserved word"],
    ["uptime ;; id", ";;"],
    ["| uptime", "needs a command"],
    ["uptime &&", "needs a command"],
    ["", "empty"],
    ["echo 'x", "unterminated"],
  ];
  for (const [script, what] of cases) {
    const e = assertThrows(() => parseShScript(script), ShScriptError);
    assertStringIncludes(e.message, what, script);
  }
});

Deno.test("PowerShell subset: pipelines, statements, the two expression forms", () => {
  assertEquals(parsePsScript("Get-Service W32Time | Select-Object Status; Get-Date"), [
    ["Get-Service", "W32Time"],
    ["Select-Object", "Status"],
    ["Get-Date"],
  ]);
  assertEquals(parsePsScript("Get-Date -Format 'yyyy ''MM'''"), [[
    "Get-Date",
    "-Format",
    "yyyy 'MM'",
  ]]);
  assertEquals(parsePsScript("Select-Object Name, Status,Id"), [[
    "Select-Object",
    "Name,Status,Id",
  ]]);
  assertEquals(parsePsScript("(Get-CimInstance Win32_OperatingSystem).Caption.ToUpper()"), [
    ["Get-CimInstance", "Win32_OperatingSystem"],
  ]);
  assertEquals(parsePsScript("$PSVersionTable.PSVersion.ToString()"), []);
  assertEquals(parsePsScript("Get-ChildItem -Recurse:$false C:\\x"), [
    ["Get-ChildItem", "-Recurse:$false", "C:\\x"],
  ]);
});

Deno.test("PowerShell subset: everything else is refused", () => {
  const cases: Array<[string, string]> = [
    ["Get-Date `; calc", "backtick"],
    ["Get-Date $(calc)", "subexpression"],
    ["@(1) | Get-Date", "array"],
    ["Get-Process @a", "splatting"],
    ["Get-Process | % { $_.Kill() }", "script block"],
    ["[IO.File]::ReadAllText('x')", "type literal"],
    ["& calc", "call operator"],
    ["Get-Date && calc", "call operator"],
    ["Get-Date > x", "redirection"],
    ["Get-Date 2>&1", "call operator"],
    ["Get-Date # x", "comment"],
    ["Get-Date --% x", "stop-parsing"],
    ["Get-Date \u2013Format x", "non-ASCII"],
    ["Get-Date \u201cx\u201d", "non-ASCII"],
    ['Get-Date -Format "$x"', "$ inside double quotes"],
    ["Get-Date $x", "variable"],
    ["$x = 1", "variable"],
    ["$PSVersionTable | Get-Date", "variable"],
    ["(Get-Process).Kill()", "parenthesised"],
    ["(Get-Process)", "parenthesised"],
    ["Get-Date (Get-Process)", "parentheses"],
    ["'calc' | Get-Date", "quoted string in command position"],
    [".\\x.ps1", "not a command name"],
    ["C:\\x\\y.exe", "not a command name"],
    ["Get-Date |", "no command after"],
    ["| Get-Date", "no command before"],
  ];
  for (const [script, what] of cases) {
    const e = assertThrows(() => parsePsScript(script), PsScriptError);
    assertStringIncludes(e.message, what, script);
  }
});

Deno.test("shell mode: each command passes the policy in its context", () => {
  const p = policy({ allow_shell: true });
  acceptsScript(p, "ps aux | grep nginx | wc -l", "linux");
  acceptsScript(p, "Get-Process | Sort-Object CPU -Descending | Select-Object -First 5", "windows");
  acceptsScript(p, "ipconfig /all; hostname", "windows");
  refusesScript(p, "cat /etc/hosts", "windows", "allow"); // cat is Get-Content in PowerShell
  refusesScript(p, "Get-Date", "linux", "allow"); // a cmdlet is not a Linux program
  refusesScript(p, "uptime | sort -o /etc/x", "linux", "arguments");
  refusesScript(p, "Get-Content C:\\Windows\\System32\\config\\SAM", "windows", "secret");
  refusesScript(p, "ipconfig /release", "windows", "arguments");
});
