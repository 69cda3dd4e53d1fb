/**
 * `proxmox-mcp call` goes through the same pre-checks as an MCP call: an
 * auditor token's `call guest_power` stop is refused before the POST is sent
 * (it used to send it and relay PVE's 403). Scripts are where old names live
 * on, and the CLI resolves them itself, so `call stop_vm` is checked too.
 */

import { assertEquals, assertStringIncludes } from "../support/assert.ts";
import { configFor, runCli } from "../support/harness.ts";
import { DEMO_TOKEN, demoCluster, startSimulator, tokenWithRole } from "../../src/simulator/mod.ts";
import { mutations } from "./action_support.ts";

const AUDITOR = tokenWithRole("PVEAuditor");

Deno.test("CLI call: a token without the privilege is refused before anything is sent", async () => {
  const sim = await startSimulator({ cluster: demoCluster(), tokens: [DEMO_TOKEN, AUDITOR] });
  const dir = await Deno.makeTempDir({ prefix: "pmcp-cli-call-" });
  try {
    const cfg = `${dir}/config.json`;
    await Deno.writeTextFile(cfg, JSON.stringify(configFor(sim, AUDITOR)));
    const calls: Array<[string, Record<string, unknown>]> = [
      ["guest_power", { action: "stop", vmid: 100, confirm: true }],
      ["stop_vm", { vmid: 100, confirm: true }],
    ];
    for (const [name, args] of calls) {
      const r = await runCli(["call", name, "--config", cfg, "--args", JSON.stringify(args)]);
      assertEquals(r.code, 1, r.stdout + r.stderr);
      assertStringIncludes(r.stderr, "VM.PowerMgmt");
      assertEquals(mutations(sim.requests), [], `${name}: no POST reached PVE`);
      assertEquals(sim.state.guests.get(100)!.status, "running");
    }
  } finally {
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
});
