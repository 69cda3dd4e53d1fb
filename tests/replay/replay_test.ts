/**
 * Every read tool against real PVE answers (`../shared/pve/replay`): no crash,
 * no invented figure, a clear error where the fixture lacks an endpoint, and
 * the values each fixture holds. Skipped, with a message, without the fixtures.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { isMutating } from "../../src/core/tool.ts";
import { ALL_TOOLS } from "../../src/tools/index.ts";
import { loadReplayFixture, startReplayServer } from "../support/replay_server.ts";
import {
  callTool,
  fixtureGuests,
  fixtureKind,
  fixtureUpids,
  fixtureVmid,
  REPLAY_FIXTURES,
  replayContext,
} from "./replay_support.ts";

const READ_TOOLS = ALL_TOOLS.filter((t) => !isMutating(t)).map((t) => t.name);

for (const name of REPLAY_FIXTURES) {
  const fx = await loadReplayFixture(name);
  if (!fx) {
    Deno.test({ name: `replay ${name}`, ignore: true, fn() {} });
    console.warn(`replay ${name}: skipped, ../shared/pve/replay/${name} is absent`);
    continue;
  }
  Deno.test(`replay ${name}: every read tool, every guest`, async () => {
    const srv = await startReplayServer(fx);
    const ctx = await replayContext(srv);
    try {
      const guests = fixtureGuests(fx);
      const nodes = await callTool(ctx, "get_nodes");
      assert(!nodes.isError, nodes.content[0].text);
      const nodeNames = (nodes.structured.nodes as Array<{ node: string }>).map((n) => n.node);
      const node = nodeNames[0];
      const seen = new Set<string>();
      const run = async (tool: string, args: Record<string, unknown> = {}) => {
        seen.add(tool);
        return await callTool(ctx, tool, args);
      };
      // Listings: every guest of the fixture, by its own VMID (never 0) and kind; both kinds by
      // default, one with `type`.
      const rowsOf = (r: { structured: Record<string, unknown> }) =>
        (r.structured.guests as Array<{ vmid: number; type: string }>)
          .map((g) => `${g.type}/${g.vmid}`).sort();
      const all = await run("get_vms", { limit: 500 });
      assert(!all.isError, all.content[0].text);
      assertEquals(rowsOf(all), guests.map((g) => `${fixtureKind(g)}/${fixtureVmid(g)}`).sort());
      for (const type of ["qemu", "lxc"] as const) {
        const r = await run("get_vms", { type, limit: 500 });
        assert(!r.isError, r.content[0].text);
        const want = guests.filter((g) => fixtureKind(g) === type);
        assertEquals(rowsOf(r), want.map((g) => `${type}/${fixtureVmid(g)}`).sort(), type);
      }
      for (const g of guests) {
        const vmid = fixtureVmid(g);
        const at = String(g.node);
        const one = await run("get_guest", { vmid });
        if (!one.isError) assertEquals(one.structured.node, at);
        else {assert(
            !/no such guest|No VM or container/i.test(one.content[0].text),
            one.content[0].text,
          );}
        await run("list_snapshots", { vmid, node: at });
        await run("get_guest_ips", { vmid, node: at });
        await run("get_metrics", { vmid, node: at });
        await run("diagnose_vm_issues", { vmid, node: at });
        await run("get_firewall", { scope: "guest", vmid, node: at });
        await run("list_backups", { vmid });
        await run("list_tasks", { vmid });
      }
      // Without a recorded task, one on the fixture's node: a clear "not found/implemented" is right.
      const upids = fixtureUpids(fx);
      if (!upids.length) {
        upids.push(`UPID:${node}:0000A1B2:0012F3C4:6745A0B1:qmstart:100:root@pam:`);
      }
      for (const upid of upids) {
        await run("get_task_status", { upid });
        await run("get_task_status", { upid, log_start: 0, log_lines: 50 });
      }
      await run("get_node_status", { node });
      await run("get_metrics", { node });
      await run("get_firewall", { scope: "node", node });
      await run("get_firewall", { scope: "cluster" });
      await run("list_storage_content", { node, content: "iso" });
      await run("suggest_resource_optimization", { node });
      await run("next_vmid");
      // Tools added later (or by other toolsets): the node is the only argument they may need.
      for (const tool of READ_TOOLS) {
        if (seen.has(tool)) continue;
        const input = ALL_TOOLS.find((t) => t.name === tool)!.input;
        await run(tool, "node" in input ? { node } : {});
      }
      const missed = READ_TOOLS.filter((t) => !seen.has(t));
      assertEquals(missed, [], "every read tool ran");
    } finally {
      ctx.permissions?.stop();
      ctx.pve.close();
      await srv.close();
    }
  });
}
