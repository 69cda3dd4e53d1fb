/** The console policy with its shipped defaults: what runs, what is refused, and by which rule. */

import { assert, assertEquals, assertStringIncludes, assertThrows } from "../support/assert.ts";
import { ConsoleSchema } from "../../src/config/schema.ts";
import {
  checkCommand,
  checkLimits,
  checkScope,
  checkShellAllowed,
  type ConsolePolicy,
  PolicyRefusal,
  type PolicyRule,
} from "../../src/console/policy.ts";
import { checkShellScript, shellArgv } from "../../src/console/shell_check.ts";
import { capOutput } from "../../src/console/output.ts";
import { agentEnabled } from "../../src/console/agent_errors.ts";
import { pollDelay } from "../../src/console/agent.ts";

const defaults = (extra: Record<string, unknown> = {}): ConsolePolicy =>
  ConsoleSchema.parse({ enabled: true, ...extra });

function refusedBy(rule: PolicyRule, fn: () => unknown, what = ""): PolicyRefusal {
  const e = assertThrows(fn, PolicyRefusal);
  assertEquals(e.rule, rule, `${what}: ${e.message}`);
  return e;
}

Deno.test("policy: read-only diagnostics pass with the defaults", () => {
  const p = defaults();
  for (
    const cmd of [
      "uptime",
      "df -h /",
      "free -m",
      "/usr/bin/uname -a",
      "cat /etc/os-release",
      "ps aux",
      "systemctl status nginx",
      "systemctl -t service --state failed list-units",
      "journalctl -u ssh -n 50 --no-pager",
      "ip -4 addr show dev eth0",
      "ip route get 1.1.1.1",
      "ss -tlnp",
      "date +%s",
      "date -d yesterday +%F",
      "mount",
      "mount -t ext4",
      "hostname -f",
      "tail -n 20 /var/log/syslog",
      "dmesg -T",
      "ipconfig /all",
      "C:\\Windows\\System32\\ipconfig.exe",
    ]
  ) {
    assertEquals(checkCommand(p, cmd).argv[0], cmd.split(" ")[0], cmd);
  }
});

Deno.test("policy: deny wins, by basename, path, case and Windows extension", () => {
  const p = defaults({ allow: ["*"] });
  for (
    const cmd of [
      "rm -rf /",
      "/bin/rm -rf /",
      "/usr/bin/../bin/rm x",
      "//bin//rm x",
      "RM x",
      "mkfs.ext4 /dev/sda",
      "python3 -c 'print(1)'",
      "bash -c id",
      "C:\\Windows\\System32\\cmd.exe /c ver",
      "powershell.exe -Command Get-Date",
      "shutdown -h now",
      "killall sshd",
    ]
  ) {
    const e = refusedBy("deny", () => checkCommand(p, cmd), cmd);
    assertStringIncludes(e.message, "console.deny");
  }
});

Deno.test("policy: wrappers that would hide the real program are refused", () => {
  const p = defaults({ allow: ["*"], deny: [] });
  for (
    const cmd of [
      "env rm -rf /",
      "/usr/bin/env uptime",
      "sudo ls",
      "su -c id",
      "xargs rm",
      "busybox rm -rf /",
      "nice -n 19 uptime",
      "timeout 5 uptime",
      "nohup uptime",
      "chroot / rm",
      "setsid uptime",
      "stdbuf -o0 uptime",
    ]
  ) {
    const e = refusedBy("wrapper", () => checkCommand(p, cmd), cmd);
    assertStringIncludes(e.hint, "directly");
  }
});

Deno.test("policy: programs outside the allowlist, and paths outside system dirs", () => {
  const p = defaults();
  const e = refusedBy("allow", () => checkCommand(p, "nmap -sS 10.0.0.0/24"));
  assertStringIncludes(e.message, "not on the allowlist");
  assertStringIncludes(e.message, "has no grammar");
  assertStringIncludes(e.message, "uptime");
  // find has a grammar but is not in the defaults.
  const f = refusedBy("allow", () => checkCommand(p, "find / -name x"));
  assert(!f.message.includes("no grammar"), f.message);
  for (const cmd of ["/tmp/uname -a", "./uname", "/usr/bin/../../tmp/uname", "/home/u/bin/df"]) {
    const e2 = refusedBy("path", () => checkCommand(p, cmd), cmd);
    assertStringIncludes(e2.hint, "bare name");
  }
  assertEquals(checkCommand(p, "/usr/bin/uname -a").argv, ["/usr/bin/uname", "-a"]);
  refusedBy("allow", () => checkCommand(p, "ipconfig.bat"));
  refusedBy("allow", () => checkCommand(p, "Get-Process"), "cmdlets need PowerShell");
});

Deno.test("config: allow entries must name programs with a grammar; arg_rules stays on", () => {
  for (const entry of ["nmap", "/opt/tools/*", "C:\\tools\\x.exe", "python*"]) {
    const e = assertThrows(() => defaults({ allow: ["uptime", entry] }), Error);
    assertStringIncludes(e.message, `"${entry}"`);
    assertStringIncludes(e.message, entry.match(/[\\/]/) ? "names a path" : "has no grammar");
  }
  // Globs pick among the programs that have one.
  assertEquals(defaults({ allow: ["get-*", "find", "*"] }).allow, ["get-*", "find", "*"]);
  const e = assertThrows(() => defaults({ arg_rules: false }), Error);
  assertStringIncludes(e.message, "can no longer be false");
  assertEquals(defaults({ arg_rules: true }).arg_rules, true);
});

Deno.test("policy: grammars keep programs to their reading forms", () => {
  const p = defaults();
  for (
    const cmd of [
      "systemctl restart nginx",
      "systemctl stop ssh",
      "systemctl --host other status x",
      "journalctl -f",
      "journalctl --vacuum-size=1G",
      "ip link set eth0 down",
      "ip addr add 10.0.0.9/24 dev eth0",
      "ip netns exec x id",
      "ip -batch /tmp/cmds",
      "ss -K dst 10.0.0.1",
      "mount /dev/sdb1 /mnt",
      "mount -a",
      "date -s 2020-01-01",
      "date 010112002020",
      "hostname evil",
      "tail -f /var/log/syslog",
      "dmesg -C",
    ]
  ) {
    const e = refusedBy("arguments", () => checkCommand(p, cmd), cmd);
    assertStringIncludes(e.hint, "Allowed: ");
  }
  const e = refusedBy("arguments", () => checkCommand(p, "systemctl reboot"));
  assertStringIncludes(e.message, 'systemctl: verb "reboot" is not allowed; allowed: status|show|');
});

Deno.test("policy: arguments naming secret files are refused, even disguised", () => {
  const p = defaults();
  for (
    const cmd of [
      "cat /etc/shadow",
      "cat /etc/../etc/shadow",
      "cat //etc//gshadow-",
      "cat /root/.ssh/id_ed25519",
      "grep --file=/etc/shadow x",
      "cat /proc/1/environ",
      "cat etc/shadow",
      "cat /proc/self/root/etc/shadow",
    ]
  ) {
    refusedBy("secret", () => checkCommand(p, cmd), cmd);
  }
  // console.deny_args adds to the built-in protected paths, relative paths included.
  const q = defaults({ deny_args: ["/srv/vault/*"] });
  refusedBy("deny_args", () => checkCommand(q, "cat /srv/vault/token"));
  refusedBy("deny_args", () => checkCommand(q, "cat srv/vault/token"));
  refusedBy("deny_args", () => checkCommand(q, "grep --file=/srv/vault/x y"));
  refusedBy("secret", () => checkCommand(q, "cat /etc/shadow"), "built-ins stay on");
});

Deno.test("policy: control characters and lookalikes", () => {
  const p = defaults();
  refusedBy("characters", () => checkCommand(p, "\u0455ystemctl status x"));
  refusedBy("characters", () => checkCommand(p, "sort \u2212o /etc/x"));
  refusedBy("characters", () => checkCommand(p, "cat '/etc/hosts\u200b'"));
  checkCommand(p, "grep 'M\u00fcller' /etc/passwd"); // free text may be any language
});

Deno.test("policy: syntax, length and timeout limits", () => {
  const p = defaults({ max_command_length: 20, timeout_s: 30 });
  refusedBy("syntax", () => checkCommand(p, "ps aux | grep x"));
  refusedBy("syntax", () => checkCommand(p, "echo 'unterminated"));
  refusedBy("syntax", () => checkCommand(p, "   "));
  const e = refusedBy("length", () => checkLimits(p, "x".repeat(21)));
  assertStringIncludes(e.message, "21 characters");
  checkLimits(p, "x".repeat(20), 30);
  refusedBy("timeout", () => checkLimits(p, "uptime", 31));
});

Deno.test("policy: scope by VMID or tag", () => {
  const p = defaults({ vmids: [100], tags: ["Diag"] });
  checkScope(p, 100, []);
  checkScope(p, 101, ["web", "diag"]);
  const e = refusedBy("scope", () => checkScope(p, 102, ["prod"]));
  assertStringIncludes(e.message, "VMIDs 100 or guests tagged Diag");
  checkScope(defaults(), 12345, []); // no scope configured: every VM
  refusedBy("scope", () => checkScope(defaults({ vmids: [100] }), 101, ["diag"]));
});

Deno.test("policy: shell mode needs allow_shell, then checks each command it sees", () => {
  refusedBy("shell", () => checkShellAllowed(defaults()));
  const p = defaults({ allow_shell: true });
  checkShellAllowed(p);
  checkShellScript(p, "ps aux | grep nginx | wc -l", "linux");
  checkShellScript(p, "df -h 2>/dev/null && free -m 2>&1", "linux");
  refusedBy("syntax", () => checkShellScript(p, "LANG=C uptime", "linux"));
  refusedBy("deny", () => checkShellScript(p, "uptime; rm -rf /", "linux"));
  refusedBy("syntax", () => checkShellScript(p, "echo x > /etc/motd", "linux"));
  refusedBy("syntax", () => checkShellScript(p, "uptime $(reboot)", "linux"));
  refusedBy("wrapper", () => checkShellScript(p, "uptime && sudo id", "linux"));
  refusedBy("syntax", () => checkShellScript(p, "$CMD -rf /", "linux"));
  refusedBy("arguments", () => checkShellScript(p, "systemctl restart nginx", "linux"));
  refusedBy("allow", () => checkShellScript(p, "uptime | nmap x", "linux"));
  checkShellScript(p, "$PSVersionTable.PSVersion.ToString()", "windows");
  checkShellScript(p, "Get-Service W32Time | Select-Object Status", "windows");
  refusedBy("deny", () => checkShellScript(p, "Stop-Computer -Force", "windows"));
  refusedBy("deny", () => checkShellScript(p, "Get-Date; Remove-Item C:\\x", "windows"));
  assertEquals(shellArgv("uptime", "linux"), ["/bin/sh", "-c", "uptime"]);
  assertEquals(shellArgv("Get-Date", "windows"), [
    "powershell.exe",
    "-NoProfile",
    "-NonInteractive",
    "-Command",
    "Get-Date",
  ]);
});

Deno.test("output cap: UTF-8 safe, marked, agent truncation reported", () => {
  const r = capOutput("ab€cd", 4, false); // € is 3 bytes: cut before it, not inside
  assertEquals(r.bytes, 7);
  assertEquals(r.truncated, true);
  assertEquals(r.text.split("\n")[0], "ab");
  assertStringIncludes(r.text, "showing the first 2 of 7 bytes");
  const whole = capOutput("ok\n", 1024, false);
  assertEquals(whole, { text: "ok\n", bytes: 3, truncated: false, agent_truncated: false });
  const agent = capOutput("x", 1024, true);
  assertEquals(agent.truncated, true);
  assertStringIncludes(agent.text, "truncated by the guest agent");
});

Deno.test("agent config values and the polling schedule", () => {
  for (const [v, on] of [["1", true], ["enabled=1,fstrim_cloned_disks=1", true], ["0", false]]) {
    assertEquals(agentEnabled(v), on, String(v));
  }
  assertEquals(agentEnabled("type=virtio"), false);
  assertEquals(agentEnabled(undefined), false);
  assertEquals([0, 1, 2, 3, 4, 5, 6, 7, 20].map(pollDelay), [
    0,
    100,
    150,
    225,
    338,
    506,
    759,
    1000,
    1000,
  ]);
});
