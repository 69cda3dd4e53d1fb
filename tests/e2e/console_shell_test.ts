// Structured results are read field by field here; typing each nested shape adds nothing.
// deno-lint-ignore-file no-explicit-any
/**
 * execute_vm_command end to end, second part: shell mode (Linux and Windows
 * guests), tag scoping, timeouts, slow commands, truncated output, and the
 * tool's absence when the console is off or the server is read-only.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { call, type ServerUnderTest, startServer, textOf } from "../support/harness.ts";
import { demoCluster, type Simulator, startSimulator } from "../../src/simulator/mod.ts";
import { assertRequestsValid } from "../support/schema_check.ts";
import { DEFAULT_ALLOW } from "../../src/console/defaults.ts";
import { ESCAPES, EVERYDAY } from "../unit/console_corpus.ts";

const TOOL = "execute_vm_command";

async function during(sim: Simulator, fn: () => Promise<any>) {
  const before = sim.requests.length;
  const r = await fn();
  return { r, reqs: sim.requests.slice(before) };
}

const lines = (reqs: Simulator["requests"]) => reqs.map((q) => `${q.method} ${q.path}`);

function seqOutput(to: number): string {
  let s = "";
  for (let n = 1; n <= to; n++) s += `${n}\n`;
  return s;
}

Deno.test("execute_vm_command: shell, scope, timeouts and truncation over stdio", async (t) => {
  const sim = await startSimulator({ cluster: demoCluster() });
  const dir = await Deno.makeTempDir({ prefix: "pmcp-console-" });
  let srv: ServerUnderTest | undefined;
  try {
    srv = await startServer({
      sim,
      config: {
        console: {
          enabled: true,
          allow_shell: true,
          allow: [...DEFAULT_ALLOW, "sleep", "seq"],
          tags: ["web", "windows"],
          timeout_s: 5,
        },
        audit: { file: `${dir}/audit.jsonl` },
      },
    });
    const s = srv;
    const web = sim.state.guests.get(100)!;
    const win = sim.state.guests.get(103)!;
    const exec = (args: Record<string, unknown>) => during(sim, () => call(s, TOOL, args));

    await t.step("shell on a Linux guest: /bin/sh -c, OS asked once", async () => {
      const script = "ps aux | grep qemu | wc -l";
      const { r, reqs } = await exec({
        node: web.node,
        vmid: web.vmid,
        command: script,
        shell: true,
      });
      assert(!r.isError, textOf(r));
      const out = r.structuredContent as any;
      assertEquals(out.stdout, "1\n");
      assertEquals(out.os, "linux");
      assertEquals(out.argv, ["/bin/sh", "-c", script]);
      assertEquals(lines(reqs), [
        "GET /cluster/resources",
        `GET /nodes/${web.node}/qemu/${web.vmid}/agent/get-osinfo`,
        `POST /nodes/${web.node}/qemu/${web.vmid}/agent/exec`,
        `GET /nodes/${web.node}/qemu/${web.vmid}/agent/exec-status`,
      ]);
      assertEquals(reqs[2].params.command, ["/bin/sh", "-c", script]);
      const again = await exec({ node: web.node, vmid: web.vmid, command: "uptime", shell: true });
      assert(!lines(again.reqs).some((l) => l.endsWith("get-osinfo")), "OS cached per VM");
    });

    await t.step("shell off: the same script is refused as shell syntax", async () => {
      const { r, reqs } = await exec({ node: web.node, vmid: web.vmid, command: "ps aux | wc -l" });
      assert(r.isError);
      assertStringIncludes(textOf(r), "rule: syntax");
      assertStringIncludes(textOf(r), "shell: true");
      assertEquals(reqs.length, 0);
    });

    await t.step("shell on a Windows guest: PowerShell", async () => {
      const script = "$PSVersionTable.PSVersion.ToString()";
      const { r, reqs } = await exec({
        node: win.node,
        vmid: win.vmid,
        command: script,
        shell: true,
      });
      assert(!r.isError, textOf(r));
      const out = r.structuredContent as any;
      assertEquals(out.os, "windows");
      assertEquals(out.stdout, "5.1.20348.2227\r\n");
      const argv = ["powershell.exe", "-NoProfile", "-NonInteractive", "-Command", script];
      assertEquals(reqs.find((q) => q.method === "POST")!.params.command, argv);
    });

    await t.step(
      "shell scripts are still checked: deny, redirection, state-changing cmdlets",
      async () => {
        for (
          const [vm, script, rule] of [
            [web, "uptime; rm -rf /", "deny"],
            [web, "uptime > /etc/motd", "syntax"],
            [web, "uptime && sudo reboot", "wrapper"],
            [web, "echo x 1<>/etc/motd", "syntax"],
            [web, "LD_PRELOAD=/tmp/x.so uptime", "syntax"],
            [web, "ps aux | sort -o /etc/cron.d/x", "arguments"],
            [win, "Get-Date; Stop-Computer -Force", "deny"],
            [win, "Get-Content HKLM:\\SAM", "secret"],
          ] as const
        ) {
          const { r, reqs } = await exec({
            node: vm.node,
            vmid: vm.vmid,
            command: script,
            shell: true,
          });
          assert(r.isError, script);
          assertStringIncludes(textOf(r), `rule: ${rule}`);
          assert(!reqs.some((q) => q.method === "POST"), `${script}: nothing executed`);
        }
      },
    );

    await t.step("the shell-mode escape corpus: refused, nothing executed", async () => {
      const attempts = ESCAPES.filter((x) => x.mode !== "exec");
      let execs = 0;
      for (const x of attempts) {
        const vm = x.mode === "sh" ? web : win;
        const { r, reqs } = await exec({
          node: vm.node,
          vmid: vm.vmid,
          command: x.command,
          shell: true,
        });
        assert(r.isError, `${x.command} (${x.trick}) must be refused`);
        assertStringIncludes(textOf(r), "Refused by the console policy (rule: ", x.command);
        execs += reqs.filter((q) => q.method === "POST").length;
      }
      assertEquals(execs, 0, "no shell-mode refusal reached agent/exec");
    });

    await t.step("everyday shell pipelines run", async () => {
      for (const [vm, scripts] of [[web, EVERYDAY.sh], [win, EVERYDAY.ps]] as const) {
        for (const command of scripts) {
          const { r, reqs } = await exec({ node: vm.node, vmid: vm.vmid, command, shell: true });
          assert(!r.isError, `${command}: ${textOf(r)}`);
          assertEquals(reqs.filter((q) => q.path.endsWith("/agent/exec")).length, 1, command);
        }
      }
    });

    await t.step("scope by tag: a VM without the tags is refused before exec", async () => {
      const db = sim.state.guests.get(102)!;
      const { r, reqs } = await exec({ node: db.node, vmid: db.vmid, command: "uptime" });
      assert(r.isError);
      assertStringIncludes(textOf(r), "rule: scope");
      assertStringIncludes(textOf(r), "guests tagged web, windows");
      assertEquals(lines(reqs), ["GET /cluster/resources"]);
    });

    await t.step("timeout: reported, and the process is said to keep running", async () => {
      // A command that would never end is refused outright: PVE cannot stop it afterwards.
      const never = await exec({ node: web.node, vmid: web.vmid, command: "sleep infinity" });
      assert(never.r.isError);
      assertStringIncludes(textOf(never.r), "rule: arguments");
      assertEquals(never.reqs.length, 0);
      const { r, reqs } = await exec({
        node: web.node,
        vmid: web.vmid,
        command: "sleep 3600",
        timeout_s: 1,
      });
      assert(!r.isError, textOf(r));
      const out = r.structuredContent as any;
      assertEquals([out.exited, out.timed_out, out.exitcode], [false, true, null]);
      assert(out.duration_ms >= 1000 && out.duration_ms < 3000, `took ${out.duration_ms} ms`);
      assertStringIncludes(textOf(r), "PVE has no API to stop a process");
      assertStringIncludes(textOf(r), `pid ${out.pid}`);
      const polls = reqs.filter((q) => q.path.endsWith("exec-status")).length;
      assertEquals(polls, out.polls);
      assert(polls >= 4 && polls <= 8, `${polls} polls in 1 s`);
    });

    await t.step("a slow command is polled until it exits", async () => {
      const { r } = await exec({ node: web.node, vmid: web.vmid, command: "sleep 2" });
      const out = r.structuredContent as any;
      assertEquals([out.exited, out.exitcode, out.timed_out], [true, 0, false]);
      assert(out.duration_ms >= 2000 && out.duration_ms < 3500, `took ${out.duration_ms} ms`);
      assert(out.polls >= 6 && out.polls <= 10, `${out.polls} polls for 2 s`);
    });

    await t.step("output over console.max_output_bytes is cut with a marker", async () => {
      const full = seqOutput(20_000);
      const { r } = await exec({ node: web.node, vmid: web.vmid, command: "seq 1 20000" });
      const out = r.structuredContent as any;
      assertEquals(out.stdout_bytes, full.length);
      assertEquals(out.stdout_truncated, true);
      assertEquals(out.agent_truncated, false);
      assert(out.stdout.startsWith(full.slice(0, 65_536)));
      assertStringIncludes(
        out.stdout,
        `[truncated: showing the first 65536 of ${full.length} bytes`,
      );
      assertStringIncludes(textOf(r), "[truncated");
    });

    await t.step("output the guest agent already cut (16 MiB) is flagged", async () => {
      const { r } = await exec({ node: web.node, vmid: web.vmid, command: "seq 1 2300000" });
      const out = r.structuredContent as any;
      assertEquals(out.agent_truncated, true);
      assertEquals(out.stdout_bytes, 16 * 1024 * 1024);
      assertStringIncludes(out.stdout, "truncated by the guest agent");
    });

    await t.step("audit records the timeout", async () => {
      const entries = (await Deno.readTextFile(`${dir}/audit.jsonl`)).split("\n").filter(Boolean)
        .map((l) => JSON.parse(l));
      const timeout = entries.find((e) => e.args?.command === "sleep 3600")!;
      assertEquals(timeout.outcome, "timeout");
      assertEquals(timeout.detail.argv, ["sleep", "3600"]);
      const shell = entries.find((e) => e.args?.command === "ps aux | grep qemu | wc -l")!;
      assertEquals(shell.detail.argv, ["/bin/sh", "-c", "ps aux | grep qemu | wc -l"]);
      assertEquals(shell.args.shell, true);
    });

    assertRequestsValid(sim.requests);
  } finally {
    await srv?.close();
    await sim.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});

Deno.test("execute_vm_command is absent unless console.enabled, and in read-only mode", async () => {
  const sim = await startSimulator({ cluster: demoCluster() });
  try {
    for (
      const config of [
        {},
        { console: { enabled: false } },
        { console: { enabled: true }, tools: { read_only: true } },
      ]
    ) {
      const srv = await startServer({ sim, config });
      try {
        const { tools } = await srv.client.listTools();
        assert(tools.length > 0, "other tools are listed");
        assert(!tools.some((x) => x.name === TOOL), `absent with ${JSON.stringify(config)}`);
        // An unknown tool is a protocol error (-32602), not a tool result.
        const err = await call(srv, TOOL, { node: "pve1", vmid: 100, command: "uptime" }).then(
          () => undefined,
          (e: Error) => e,
        );
        assert(err && /-32602.*Unknown tool/.test(err.message), "calling it fails");
        assert(!sim.requests.some((q) => q.path.includes("/agent/")), "nothing reached the agent");
      } finally {
        await srv.close();
      }
    }
  } finally {
    await sim.close();
  }
});
