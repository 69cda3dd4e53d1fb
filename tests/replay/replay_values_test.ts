/**
 * The figures and answers each replay fixture holds, read back through the
 * tools: VMIDs from `id` alone, agent errors as agent errors, storage state
 * per node, pools before PVE 8.1, task status without its log, and privilege
 * names by PVE version (VM.Monitor before 9.0).
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import type { ToolContext } from "../../src/core/context.ts";
import {
  loadReplayFixture,
  type ReplayFixture,
  startReplayServer,
} from "../support/replay_server.ts";
import {
  callTool,
  fixtureData,
  fixtureGuests,
  fixtureUpids,
  fixtureVmid,
  replayContext,
} from "./replay_support.ts";

async function withFixture(
  name: string,
  fn: (ctx: ToolContext, fx: ReplayFixture) => Promise<void>,
) {
  const fx = await loadReplayFixture(name);
  if (!fx) {
    console.warn(`replay ${name}: skipped, ../shared/pve/replay/${name} is absent`);
    return;
  }
  const srv = await startReplayServer(fx);
  const ctx = await replayContext(srv);
  try {
    await fn(ctx, fx);
  } finally {
    ctx.permissions?.stop();
    ctx.pve.close();
    await srv.close();
  }
}

const AGENT = "/nodes/{node}/qemu/{vmid}/agent/network-get-interfaces";

for (
  const [name, allowed] of [
    ["go-proxmox-pve7.json", true],
    ["go-proxmox-pve8.json", true],
    ["go-proxmox-pve9.json", false],
  ] as const
) {
  Deno.test(`replay ${name}: agent privilege named as the fixture's PVE version does`, async () => {
    await withFixture(name, async (ctx) => {
      // All three hold the pre-9 list (VM.Monitor, no VM.GuestAgent.*) on /vms: PVE 7 and 8
      // accept it for the agent, PVE 9 does not.
      const refusal = await ctx.permissions!.precheck("GET", AGENT, { node: "node1", vmid: 101 });
      if (allowed) assertEquals(refusal?.message, undefined);
      else assertStringIncludes(refusal?.message ?? "", "VM.GuestAgent.Audit");
    });
  });
}

Deno.test("replay go-proxmox-pve8.json: a task's status stands when its log cannot be read", async () => {
  await withFixture("go-proxmox-pve8.json", async (ctx, fx) => {
    const noLog = fixtureUpids(fx).filter((u) =>
      ![...fx.entries.keys()].some((k) => k.startsWith(`GET /nodes/node1/tasks/${u}/log`))
    );
    assert(noLog.length > 0, "the fixture has a task without a log");
    for (const upid of noLog) {
      const r = await callTool(ctx, "get_task_status", { upid });
      assert(!r.isError, r.content[0].text);
      const status = fixtureData(fx, `GET /nodes/node1/tasks/${upid}/status`) as { status: string };
      assertEquals(r.structured.status === "running", status.status === "running");
      assertStringIncludes(String(r.structured.log_error), "does not implement");
    }
  });
});

Deno.test("replay pve-exporter-cluster-pve9.json: id-only guests, storage state per node", async () => {
  await withFixture("pve-exporter-cluster-pve9.json", async (ctx, fx) => {
    for (const g of fixtureGuests(fx)) {
      const r = await callTool(ctx, "get_guest", { vmid: fixtureVmid(g) });
      // The detail may be missing from the fixture (501), but the guest is found, on its node.
      assert(!/No VM or container/.test(r.content[0].text), r.content[0].text);
    }
    const st = await callTool(ctx, "get_storage");
    const storages = st.structured.storages as Array<Record<string, unknown>>;
    const rows = (fixtureData(fx, "GET /cluster/resources") as Array<Record<string, unknown>>)
      .filter((r) => r.type === "storage");
    for (const row of rows) {
      const s = storages.find((x) => x.storage === row.storage)!;
      assertEquals(s.active, row.status === "available", String(row.storage));
      const state = (s.states as Array<{ node: string; state: string }>).find((x) =>
        x.node === row.node
      );
      assertEquals(state?.state, row.status === "available" ? "active" : row.status);
    }
    assertStringIncludes(st.content[0].text, "unknown on pve1");
  });
});

Deno.test("replay ansible-proxmox-pve6.json: agent error, addresses, pools before 8.1, offline node", async () => {
  await withFixture("ansible-proxmox-pve6.json", async (ctx, fx) => {
    const unsupported = await callTool(ctx, "get_guest_ips", { node: "testnode", vmid: 102 });
    assert(unsupported.isError === true);
    assertStringIncludes(unsupported.content[0].text, "Unsupported");
    assert(!/no address/i.test(unsupported.content[0].text));
    const ok = await callTool(ctx, "get_guest_ips", { node: "testnode", vmid: 101 });
    assert(!ok.isError, ok.content[0].text);
    const agent = fixtureData(fx, "GET /nodes/testnode/qemu/101/agent/network-get-interfaces") as {
      result: Array<{ name: string; "ip-addresses"?: Array<{ "ip-address": string }> }>;
    };
    const want = agent.result.filter((i) => i.name !== "lo")
      .flatMap((i) => (i["ip-addresses"] ?? []).map((a) => a["ip-address"]));
    assertEquals(ok.structured.addresses, want);
    const pools = await callTool(ctx, "get_pools");
    assert(!pools.isError, pools.content[0].text);
    const members =
      (pools.structured.pools as Array<{ members: Array<{ id: string }> }>)[0].members;
    assertEquals(members.map((m) => m.id), ["qemu/101"]);
    const nodes = await callTool(ctx, "get_nodes");
    assertEquals(nodes.structured.offline, 1);
  });
});
