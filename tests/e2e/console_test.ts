// Structured results are read field by field here; typing each nested shape adds nothing.
// deno-lint-ignore-file no-explicit-any
/**
 * execute_vm_command end to end: the real server over stdio, the SDK client,
 * the simulator's guest agent. Output expectations come from the simulated
 * guests (their names, the scripted programs); request counts and parameters
 * from what the simulator received; audit lines from the file the server wrote.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { call, type ServerUnderTest, startServer, textOf } from "../support/harness.ts";
import { demoCluster, type Simulator, startSimulator } from "../../src/simulator/mod.ts";
import { assertRequestsValid } from "../support/schema_check.ts";
import { ESCAPES, ISSUE_EVERYDAY } from "../unit/console_corpus.ts";

const TOOL = "execute_vm_command";

async function during(sim: Simulator, fn: () => Promise<any>) {
  const before = sim.requests.length;
  const r = await fn();
  return { r, reqs: sim.requests.slice(before) };
}

const lines = (reqs: Simulator["requests"]) => reqs.map((q) => `${q.method} ${q.path}`);

async function auditLines(path: string): Promise<any[]> {
  const text = await Deno.readTextFile(path);
  return text.split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

Deno.test("execute_vm_command: policy, agent and audit over stdio", async (t) => {
  const sim = await startSimulator({ cluster: demoCluster() });
  const dir = await Deno.makeTempDir({ prefix: "pmcp-console-" });
  const auditFile = `${dir}/audit.jsonl`;
  let srv: ServerUnderTest | undefined;
  try {
    srv = await startServer({
      sim,
      config: {
        console: { enabled: true },
        audit: { file: auditFile },
        safety: { protected_vmids: [102] },
      },
    });
    const s = srv;
    const web = sim.state.guests.get(100)!;
    const exec = (args: Record<string, unknown>) => during(sim, () => call(s, TOOL, args));

    await t.step("listed with explicit annotations and the seed's parameters", async () => {
      const { tools } = await s.client.listTools();
      const tool = tools.find((x) => x.name === TOOL)!;
      assert(tool, "execute_vm_command is listed when console.enabled is true");
      assertEquals(tool.annotations?.readOnlyHint, false);
      assertEquals(tool.annotations?.destructiveHint, true);
      assertEquals(tool.annotations?.idempotentHint, false);
      assertEquals(tool.annotations?.openWorldHint, false);
      const props = Object.keys((tool.inputSchema as any).properties).sort();
      // The seed's parameters, plus dry_run and safety_snapshot that every mutating tool takes.
      assertEquals(props, [
        "command",
        "dry_run",
        "input",
        "node",
        "safety_snapshot",
        "shell",
        "timeout_s",
        "vmid",
      ]);
      // node is optional with a VMID (issue 17): the server finds the guest's node itself.
      assertEquals((tool.inputSchema as any).required.sort(), ["command", "vmid"]);
    });

    await t.step("an allowed command: output, exit code, three round trips", async () => {
      const { r, reqs } = await exec({ node: web.node, vmid: web.vmid, command: "uname -a" });
      assert(!r.isError, textOf(r));
      const out = r.structuredContent as any;
      assertEquals(out.exitcode, 0);
      assertEquals(out.exited, true);
      assertEquals(out.timed_out, false);
      assertStringIncludes(out.stdout, `Linux ${web.name} `);
      assertEquals(out.stdout_bytes, new TextEncoder().encode(out.stdout).length);
      assertEquals(out.argv, ["uname", "-a"]);
      assertEquals(out.shell, false);
      assertEquals(lines(reqs), [
        "GET /cluster/resources",
        `POST /nodes/${web.node}/qemu/${web.vmid}/agent/exec`,
        `GET /nodes/${web.node}/qemu/${web.vmid}/agent/exec-status`,
      ]);
      assertEquals(reqs[1].params.command, ["uname", "-a"]);
      assertEquals(reqs[2].params.pid, String(out.pid));
      assertEquals(out.polls, 1);
      assertStringIncludes(
        textOf(r),
        `VM ${web.vmid} (${web.name}) on ${web.node}: uname -a exited`,
      );
    });

    await t.step("quoting reaches the guest as one argument; stdin via input", async () => {
      const { r, reqs } = await exec({
        node: web.node,
        vmid: web.vmid,
        command: `echo 'a  b' "c d"`,
      });
      assertEquals((r.structuredContent as any).stdout, "a  b c d\n");
      assertEquals(reqs[1].params.command, ["echo", "a  b", "c d"]);
      const piped = await exec({ node: web.node, vmid: web.vmid, command: "cat", input: "hi\n" });
      assertEquals((piped.r.structuredContent as any).stdout, "hi\n");
      assertEquals(piped.reqs[1].params["input-data"], "hi\n");
    });

    await t.step("a failing command is a result, not a tool error", async () => {
      const { r } = await exec({ node: web.node, vmid: web.vmid, command: "cat /nonexistent" });
      assert(!r.isError, textOf(r));
      const out = r.structuredContent as any;
      assertEquals(out.exitcode, 1);
      assertStringIncludes(out.stderr, "cat: /nonexistent: No such file or directory");
      assertStringIncludes(textOf(r), "exited with code 1");
      assertStringIncludes(textOf(r), "--- stderr");
    });

    await t.step("refused by policy: each rule, named, and nothing reaches PVE", async () => {
      const cases: Array<[string, Record<string, unknown>]> = [
        ["deny", { command: "rm -rf /" }],
        ["deny", { command: "/usr/bin/../bin/rm -rf /" }],
        ["wrapper", { command: "env rm -rf /" }],
        ["wrapper", { command: "sudo uptime" }],
        ["wrapper", { command: "busybox rm -rf /" }],
        ["allow", { command: "nmap 10.0.0.0/24" }],
        ["path", { command: "/tmp/uname -a" }],
        ["arguments", { command: "systemctl restart nginx" }],
        ["arguments", { command: "journalctl -f" }],
        ["arguments", { command: "sort --ou=/etc/cron.d/x" }],
        ["arguments", { command: "ip netns e x /bin/sh -c id" }],
        ["secret", { command: "cat /etc/../etc/shadow" }],
        ["secret", { command: "cat /proc/self/root/etc/shadow" }],
        ["characters", { command: "sort \u2212o /etc/cron.d/x" }],
        ["syntax", { command: "ps aux | grep sshd" }],
        ["syntax", { command: "echo 'unterminated" }],
        ["length", { command: `echo ${"x".repeat(1100)}` }],
        ["shell", { command: "uptime", shell: true }],
        ["timeout", { command: "uptime", timeout_s: 31 }],
      ];
      for (const [rule, args] of cases) {
        const { r, reqs } = await exec({ node: web.node, vmid: web.vmid, ...args });
        assert(r.isError, `${args.command} must be refused`);
        assertStringIncludes(textOf(r), `Refused by the console policy (rule: ${rule})`);
        assertEquals(reqs.length, 0, `${args.command}: no request for a policy refusal`);
      }
    });

    await t.step("the escape corpus: every attempt refused, nothing reaches PVE", async () => {
      const attempts = ESCAPES.filter((x) => x.mode === "exec");
      assert(attempts.length >= 150, `${attempts.length} attempts without a shell`);
      const before = sim.requests.length;
      for (const x of attempts) {
        const { r } = await exec({ node: web.node, vmid: web.vmid, command: x.command });
        assert(r.isError, `${x.command} (${x.trick}) must be refused`);
        assertStringIncludes(textOf(r), "Refused by the console policy (rule: ", x.command);
      }
      assertEquals(sim.requests.length, before, "no request at all for a policy refusal");
    });

    await t.step("the everyday diagnostics run in the guest", async () => {
      for (const command of ISSUE_EVERYDAY) {
        const { r, reqs } = await exec({ node: web.node, vmid: web.vmid, command });
        assert(!r.isError, `${command}: ${textOf(r)}`);
        assertEquals((r.structuredContent as any).exitcode, 0, command);
        assert((r.structuredContent as any).stdout.length > 0, `${command} printed something`);
        assertEquals(reqs.filter((q) => q.path.endsWith("/agent/exec")).length, 1, command);
      }
      const win = sim.state.guests.get(103)!;
      for (
        const command of [
          "ipconfig /all",
          "systeminfo",
          "tasklist /svc",
          "netstat -ano",
          "hostname",
          "whoami /all",
        ]
      ) {
        const { r, reqs } = await exec({ node: win.node, vmid: win.vmid, command });
        assert(!r.isError, `${command}: ${textOf(r)}`);
        assertEquals((r.structuredContent as any).exitcode, 0, command);
        assertEquals(reqs.filter((q) => q.path.endsWith("/agent/exec")).length, 1, command);
      }
    });

    await t.step("protected guests (safety.protected_vmids) are refused", async () => {
      const { r, reqs } = await exec({ node: "pve1", vmid: 102, command: "uptime" });
      assert(r.isError);
      assertStringIncludes(textOf(r), "rule: protected");
      assertEquals(lines(reqs), ["GET /cluster/resources"]);
    });

    await t.step("wrong targets: stopped VM, container, wrong node, unknown VM", async () => {
      const stopped = [...sim.state.guests.values()].find((g) =>
        g.type === "qemu" && g.status === "stopped" && !g.template &&
        sim.state.nodes.get(g.node)!.online
      )!;
      const ct = [...sim.state.guests.values()].find((g) => g.type === "lxc")!;
      const checks: Array<[Record<string, unknown>, string]> = [
        [{ node: stopped.node, vmid: stopped.vmid }, `VM ${stopped.vmid} is stopped`],
        [{ node: ct.node, vmid: ct.vmid }, `pct exec ${ct.vmid} -- COMMAND`],
        [{ node: "pve2", vmid: web.vmid }, `call again with node "${web.node}"`],
        [{ node: "pve1", vmid: 4242 }, "VM 4242 does not exist"],
      ];
      for (const [target, text] of checks) {
        const { r, reqs } = await exec({ ...target, command: "uptime" });
        assert(r.isError, text);
        assertStringIncludes(textOf(r), text);
        assertEquals(lines(reqs), ["GET /cluster/resources"], text);
      }
      assertStringIncludes(
        textOf((await exec({ node: ct.node, vmid: ct.vmid, command: "uptime" })).r),
        "PVE has no API to run commands inside containers",
      );
    });

    await t.step("agent missing, disabled, not running: what to do", async () => {
      const g = sim.state.guests.get(101)!;
      const saved = { ...g.config };
      const savedRunning = g.agent!.running;
      try {
        delete g.config.agent;
        let { r } = await exec({ node: g.node, vmid: g.vmid, command: "uptime" });
        assert(r.isError);
        assertStringIncludes(textOf(r), "not enabled");
        assertStringIncludes(textOf(r), `qm set ${g.vmid} --agent 1`);

        g.config.agent = "0"; // PVE then says "not running": the config read tells them apart
        const d = await exec({ node: g.node, vmid: g.vmid, command: "uptime" });
        assertStringIncludes(textOf(d.r), "disabled in VM 101's config (agent: 0)");
        assertStringIncludes(textOf(d.r), `qm set ${g.vmid} --agent 1`);
        assertEquals(lines(d.reqs).at(-1), `GET /nodes/${g.node}/qemu/${g.vmid}/config`);

        g.config.agent = "1";
        g.agent!.running = false;
        ({ r } = await exec({ node: g.node, vmid: g.vmid, command: "uptime" }));
        assert(r.isError);
        assertStringIncludes(textOf(r), "not running inside the guest");
        assertStringIncludes(textOf(r), "qemu-guest-agent");
      } finally {
        g.config = saved;
        g.agent!.running = savedRunning;
      }
    });

    await t.step("a program missing in the guest is named as such", async () => {
      const win = sim.state.guests.get(103)!;
      const { r } = await exec({ node: win.node, vmid: win.vmid, command: "uname -a" });
      assert(r.isError);
      assertStringIncludes(textOf(r), "does not exist in the guest");
    });

    await t.step("audit: executed, failed and refused commands, one line each", async () => {
      const entries = await auditLines(auditFile);
      const mine = entries.filter((e) => e.tool === TOOL);
      assert(mine.length >= 25, `audit has ${mine.length} lines`);
      const ok = mine.find((e) => e.args?.command === "uname -a")!;
      assertEquals(ok.outcome, "ok");
      assertEquals(ok.target, { node: web.node, vmid: web.vmid, type: "qemu" });
      assertEquals(ok.detail.argv, ["uname", "-a"]);
      assertEquals(ok.detail.exitcode, 0);
      assert(ok.detail.stdout_bytes > 0 && ok.detail.stderr_bytes === 0);
      const failed = mine.find((e) => e.args?.command === "cat /nonexistent")!;
      assertEquals([failed.outcome, failed.detail.exitcode], ["ok", 1]);
      assert(failed.detail.stderr_bytes > 0);
      const refused = mine.find((e) => e.args?.command === "rm -rf /")!;
      assertEquals([refused.outcome, refused.detail.rule], ["refused", "deny"]);
      assertStringIncludes(refused.reason, "console.deny");
      const stdin = mine.find((e) => e.args?.command === "cat")!;
      assertEquals(stdin.args.input_bytes, 3);
      assert(!JSON.stringify(stdin).includes('"hi'), "stdin content is not logged");
      const agentErr = mine.find((e) => e.outcome === "error" && /not enabled/.test(e.reason));
      assert(agentErr, "agent errors are audited");
      assertEquals(mine.filter((e) => e.outcome === "refused").length >= 150, true);
      const corpus = mine.find((e) => e.args?.command === "ip link s eth0 down")!;
      assertEquals([corpus.outcome, corpus.detail.rule], ["refused", "arguments"]);
      assertStringIncludes(corpus.reason, "allowed: show|lst|list");
    });

    assertRequestsValid(sim.requests);
  } finally {
    await srv?.close();
    await sim.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
