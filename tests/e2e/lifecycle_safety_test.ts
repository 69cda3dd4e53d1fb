// Structured results are read field by field here; typing each nested shape adds nothing.
// deno-lint-ignore-file no-explicit-any
/**
 * The safety rails end to end: confirmation through MCP elicitation with a
 * real SDK client that declares the capability (accepted, declined,
 * cancelled, not ticked), read-only mode, a token without VM.PowerMgmt.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { call, type ServerUnderTest, startServer, textOf } from "../support/harness.ts";
import {
  DEMO_TOKEN,
  demoCluster,
  type Simulator,
  startSimulator,
  tokenWithRole,
} from "../../src/simulator/mod.ts";
import { simActions } from "../../src/simulator/actions.ts";
import { ElicitRequestSchema } from "../support/sdk_client.ts";
import { assertRequestsValid } from "../support/schema_check.ts";
import { auditLines, mutations, requestsDuring } from "./action_support.ts";

const AUDITOR = tokenWithRole("PVEAuditor");
const VMUSER = tokenWithRole("PVEVMUser", { tokenid: "vmuser" });

async function withSim(fn: (sim: Simulator, dir: string) => Promise<void>) {
  const sim = await startSimulator({
    cluster: demoCluster(),
    tokens: [DEMO_TOKEN, AUDITOR, VMUSER],
  });
  simActions(sim.state).durationMs = 100;
  const dir = await Deno.makeTempDir({ prefix: "pmcp-safety-" });
  try {
    await fn(sim, dir);
    assertRequestsValid(sim.requests);
  } finally {
    await sim.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

Deno.test("confirmation through MCP elicitation (real SDK client)", async (t) => {
  await withSim(async (sim, dir) => {
    const auditFile = `${dir}/audit.jsonl`;
    let srv: ServerUnderTest | undefined;
    try {
      srv = await startServer({
        sim,
        config: { audit: { file: auditFile } },
        clientCapabilities: { elicitation: {} },
      });
      const s = srv;
      const asked: any[] = [];
      let answer: any = { action: "accept", content: { confirm: true } };
      s.client.setRequestHandler(ElicitRequestSchema, (req: any) => {
        asked.push(req.params);
        return answer;
      });

      await t.step("declined: nothing sent, refused, audited", async () => {
        answer = { action: "decline" };
        let r: any;
        const reqs = await requestsDuring(
          sim,
          // confirm: true from the model does not replace the user's answer.
          async () => (r = await call(s, "guest_power", {
            action: "stop",
            vmid: 100,
            confirm: true,
          })),
        );
        assert(r.isError);
        assertStringIncludes(textOf(r), "the user answered decline");
        assertEquals(mutations(reqs), []);
        assertEquals(asked.length, 1);
        assertStringIncludes(asked[0].message, "Hard-stop VM 100 (web01) on pve1?");
        assertEquals(asked[0].requestedSchema.properties.confirm.type, "boolean");
        assertEquals(sim.state.guests.get(100)!.status, "running");
        const line = (await auditLines(auditFile)).at(-1);
        assertEquals([line.tool, line.outcome], ["guest_power", "refused"]);
        assertStringIncludes(line.client, "e2e-test/");
      });

      await t.step("cancelled, or accepted without ticking: refused", async () => {
        for (const a of [{ action: "cancel" }, { action: "accept", content: { confirm: false } }]) {
          answer = a;
          let r: any;
          const reqs = await requestsDuring(
            sim,
            async () => (r = await call(s, "guest_power", { action: "reset", vmid: 100 })),
          );
          assert(r.isError, JSON.stringify(a));
          assertEquals(mutations(reqs), []);
        }
      });

      await t.step("accepted: the action runs, without confirm in the arguments", async () => {
        answer = { action: "accept", content: { confirm: true } };
        const before = asked.length;
        const r: any = await call(s, "guest_power", { action: "stop", vmid: 100 });
        assert(!r.isError, textOf(r));
        assertEquals(asked.length, before + 1);
        assertEquals(r.structuredContent.confirmation, "asked the user (accepted)");
        assertEquals(sim.state.guests.get(100)!.status, "stopped");
        assertEquals((await auditLines(auditFile)).at(-1).outcome, "ok");
      });

      await t.step("non-destructive actions and no-ops never ask", async () => {
        const before = asked.length;
        let r: any = await call(s, "guest_power", { action: "start", vmid: 100 });
        assertEquals(r.structuredContent.result, "done");
        r = await call(s, "guest_power", { action: "stop", vmid: 201 }); // already stopped
        assertEquals(r.structuredContent.result, "unchanged");
        assertEquals(asked.length, before);
      });
    } finally {
      await srv?.close();
    }
  });
});

Deno.test("read-only mode: no mutating tool is offered or callable", async () => {
  await withSim(async (sim) => {
    const srv = await startServer({ sim, args: ["--read-only"] });
    try {
      const { tools } = await srv.client.listTools();
      const names = tools.map((x) => x.name);
      for (const n of ["guest_power", "guest_snapshot", "dashboard_action"]) {
        assert(!names.includes(n), `${n} is not offered`);
      }
      for (const n of ["get_guest", "list_snapshots", "list_tasks", "get_task_status"]) {
        assert(names.includes(n), `${n} is offered`);
      }
      assert(tools.every((x) => x.annotations?.readOnlyHint === true));
      // Not offered means unknown: a protocol error (-32602) naming read-only mode. An old
      // name is the merged tool, so it is refused the same way, never run.
      const calls: Array<[string, Record<string, unknown>]> = [
        ["guest_power", { action: "start", vmid: 105 }],
        ["guest_snapshot", { action: "create", vmid: 100, snapname: "ro_test" }],
        ["start_vm", { vmid: 105 }],
        ["stop_container", { vmid: 200, confirm: true }],
        ["create_snapshot", { vmid: 100, snapname: "ro_test" }],
        ["rollback_snapshot", { vmid: 100, snapname: "pre_upgrade", confirm: true }],
      ];
      for (const [name, args] of calls) {
        const err = await call(srv, name, args).then(() => undefined, (e) => e);
        assert(err instanceof Error, `${name} is refused as a protocol error`);
        assert(/-32602.*Unknown tool.*read-only/.test(err.message), err.message);
        assertStringIncludes(err.message, `"${name}"`);
      }
      // Old names of read tools still answer.
      const cts: any = await call(srv, "get_containers", {});
      assert(!cts.isError, textOf(cts));
      assert(cts.structuredContent.guests.length > 0, "containers listed");
      assert(cts.structuredContent.guests.every((g: any) => g.type === "lxc"), textOf(cts));
      assertEquals(mutations(sim.requests), []);
      assertEquals(sim.state.guests.get(105)!.status, "stopped");
      assertEquals(sim.state.guests.get(200)!.status, "running");
      assert(!sim.state.guests.get(100)!.snapshots.some((x) => x.name === "ro_test"));
    } finally {
      await srv.close();
    }
  });
});

Deno.test("disabled toolsets are not offered", async () => {
  await withSim(async (sim) => {
    const srv = await startServer({
      sim,
      config: { tools: { disabled_toolsets: ["lifecycle", "snapshots"] } },
    });
    try {
      const names = (await srv.client.listTools()).tools.map((x) => x.name);
      for (const n of ["guest_power", "guest_snapshot", "list_snapshots"]) {
        assert(!names.includes(n), `${n} is not offered: ${names.join()}`);
      }
      assert(names.includes("list_tasks") && names.includes("get_guest"));
      // Its old names cannot reach a switched-off tool either.
      const err = await call(srv, "stop_vm", { vmid: 100, confirm: true }).then(
        () => undefined,
        (e) => e,
      );
      assert(err instanceof Error && /-32602.*Unknown tool.*"stop_vm"/.test(err.message));
      assertEquals(mutations(sim.requests), []);
    } finally {
      await srv.close();
    }
  });
});

Deno.test("privilege removed mid-session: PVE's 403 names privilege and path", async () => {
  await withSim(async (sim, dir) => {
    const token = VMUSER;
    const srv = await startServer({ sim, token, config: { audit: { file: `${dir}/a.jsonl` } } });
    try {
      // The server's snapshot still says the token may; PVE now says no.
      delete token.acl["/"]["VM.PowerMgmt"];
      const r: any = await call(srv, "guest_power", { action: "start", vmid: 105 });
      assert(r.isError);
      assertStringIncludes(textOf(r), "VM.PowerMgmt");
      assertStringIncludes(textOf(r), "/vms/105");
      assertEquals(sim.state.guests.get(105)!.status, "stopped");
      const posts = mutations(sim.requests);
      assertEquals(posts.map((q) => q.status), [403], "one POST, refused, never retried");
      const line = (await auditLines(`${dir}/a.jsonl`)).at(-1);
      assertEquals(line.outcome, "error");
      assertStringIncludes(line.reason, "VM.PowerMgmt");
      assert(!JSON.stringify(line).includes(token.secret));
    } finally {
      await srv.close();
    }
  });
});
