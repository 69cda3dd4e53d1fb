// Tool results are read field by field; typing each nested shape adds nothing.
// deno-lint-ignore-file no-explicit-any
/**
 * The v2 client library against the real server over stdio, in both eras:
 * confirmation (elicitation in 2025, input_required answered by the client's
 * elicitation handler in 2026), progress, and cancellation of a long call.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { configFor } from "../support/harness.ts";
import { type Client, v2Stdio } from "../support/v2_client.ts";
import { demoCluster, startSimulator } from "../../src/simulator/mod.ts";
import { simActions } from "../../src/simulator/actions.ts";
import { mutations } from "./action_support.ts";

for (const era of ["legacy", "modern"] as const) {
  Deno.test(`v2 client, ${era} era: confirmation, progress, cancellation`, async (t) => {
    const sim = await startSimulator({ cluster: demoCluster() });
    const dir = await Deno.makeTempDir();
    const configPath = `${dir}/config.json`;
    await Deno.writeTextFile(
      configPath,
      JSON.stringify(configFor(sim, undefined, { logging: { level: "WARNING" } })),
    );
    let asked: string[] = [];
    let answer = true;
    const client: Client = await v2Stdio(configPath, era, (c) => {
      c.setRequestHandler("elicitation/create", (req: any) => {
        asked.push(String(req.params?.message ?? ""));
        return { action: "accept", content: { confirm: answer } };
      });
    });
    try {
      assertEquals(client.getProtocolEra(), era);
      await t.step("a destructive stop asks the user, then runs once", async () => {
        asked = [];
        answer = true;
        const before = mutations(sim.requests).length;
        const r: any = await client.callTool({
          name: "guest_power",
          arguments: { action: "stop", vmid: 100 },
        });
        assert(!r.isError, JSON.stringify(r).slice(0, 300));
        assertEquals(asked.length, 1);
        assert(/VM 100/.test(asked[0]));
        assertEquals(r.structuredContent.confirmation, "asked the user (accepted)");
        assertEquals(mutations(sim.requests).length, before + 1);
      });
      await t.step("the user's no sends nothing", async () => {
        asked = [];
        answer = false;
        await client.callTool({ name: "guest_power", arguments: { action: "start", vmid: 100 } });
        const before = mutations(sim.requests).length;
        const r: any = await client.callTool({
          name: "guest_power",
          arguments: { action: "stop", vmid: 100 },
        });
        assert(r.isError);
        assertEquals(asked.length, 1);
        assertEquals(mutations(sim.requests).length, before);
      });
      await t.step("progress while a PVE task runs", async () => {
        simActions(sim.state).next.push({ durationMs: 900 });
        const seen: number[] = [];
        const r: any = await client.callTool(
          { name: "guest_power", arguments: { action: "reboot", vmid: 100, confirm: true } },
          { onprogress: (p: any) => void seen.push(p.progress) },
        );
        assert(!r.isError, JSON.stringify(r).slice(0, 300));
        assert(seen.length > 0, "progress arrived");
      });
      await t.step("cancelling the request stops waiting; the PVE task goes on", async () => {
        simActions(sim.state).next.push({ durationMs: Infinity });
        const ac = new AbortController();
        setTimeout(() => ac.abort("user stop"), 400);
        const outcome = await client.callTool(
          { name: "guest_power", arguments: { action: "shutdown", vmid: 100 } },
          { signal: ac.signal },
        ).then(() => "resolved", () => "rejected");
        assertEquals(outcome, "rejected");
        // The server stopped following the task: no more status polls after the cancel.
        const polls = () =>
          sim.requests.filter((q) => q.path.includes("/tasks/") && q.path.endsWith("/status"))
            .length;
        await new Promise((r) => setTimeout(r, 300));
        const settled = polls();
        await new Promise((r) => setTimeout(r, 2_500));
        assertEquals(polls(), settled, "no polls after cancellation");
      });
    } finally {
      await client.close();
      await sim.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  });
}
