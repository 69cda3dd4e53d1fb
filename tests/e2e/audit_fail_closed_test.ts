// Structured results are read field by field here; typing each nested shape adds nothing.
// deno-lint-ignore-file no-explicit-any
/**
 * The audit trail fails closed and one guest takes one change at a time, end
 * to end over stdio against the simulator: an unwritable trail refuses the
 * change before anything is sent (and `check` says so); two racing stops of
 * one VM send one stop.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { call, configFor, runCli, startServer, textOf } from "../support/harness.ts";
import {
  DEMO_TOKEN,
  demoCluster,
  type Simulator,
  startSimulator,
} from "../../src/simulator/mod.ts";
import { simActions } from "../../src/simulator/actions.ts";
import { assertRequestsValid } from "../support/schema_check.ts";
import { auditLines, mutations, requestsDuring } from "./action_support.ts";

async function withSim(fn: (sim: Simulator, dir: string) => Promise<void>) {
  const sim = await startSimulator({ cluster: demoCluster(), tokens: [DEMO_TOKEN] });
  simActions(sim.state).durationMs = 300;
  const dir = await Deno.makeTempDir({ prefix: "pmcp-audit-e2e-" });
  try {
    await fn(sim, dir);
    assertRequestsValid(sim.requests);
  } finally {
    await sim.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

Deno.test("an audit file that cannot be written refuses changes; dry runs still answer", () =>
  withSim(async (sim, dir) => {
    const audit = { file: `${dir}/missing-dir/audit.jsonl` };
    const srv = await startServer({ sim, config: { audit } });
    try {
      let r: any;
      const reqs = await requestsDuring(
        sim,
        async () => (r = await call(srv, "guest_power", {
          action: "stop",
          vmid: 100,
          confirm: true,
        })),
      );
      assert(r.isError, textOf(r));
      assertStringIncludes(textOf(r), `the audit trail ${audit.file} cannot be written`);
      assertStringIncludes(textOf(r), "no change is made without a record");
      assertEquals(mutations(reqs), []);
      assertEquals(sim.state.guests.get(100)!.status, "running");
      const dry = await call(srv, "guest_power", { action: "stop", vmid: 100, dry_run: true });
      assert(!dry.isError, textOf(dry));
    } finally {
      await srv.close();
    }
    const cfg = `${dir}/config.json`;
    await Deno.writeTextFile(cfg, JSON.stringify(configFor(sim, DEMO_TOKEN, { audit })));
    const check = await runCli(["check", "--config", cfg]);
    assertEquals(check.code, 1, check.stdout + check.stderr);
    assertStringIncludes(check.stderr, `FAILED: the audit trail ${audit.file} cannot be written`);
    // Fixed: check passes and names the trail as unkeyed.
    await Deno.mkdir(`${dir}/missing-dir`);
    const fixed = await runCli(["check", "--config", cfg]);
    assertEquals(fixed.code, 0, fixed.stderr);
    assertStringIncludes(fixed.stdout, "NOT keyed: set audit.key_file");
  }));

Deno.test("two racing stops of one VM: one stop is sent, the other is refused as busy", () =>
  withSim(async (sim, dir) => {
    const auditFile = `${dir}/audit.jsonl`;
    const srv = await startServer({
      sim,
      config: { audit: { file: auditFile, key_file: `${dir}/audit.key` } },
    });
    try {
      let results: any[] = [];
      const reqs = await requestsDuring(sim, async () => {
        results = await Promise.all([
          call(srv, "guest_power", { action: "stop", vmid: 100, confirm: true }),
          call(srv, "guest_power", { action: "stop", vmid: 100, confirm: true }),
        ]);
      });
      const stops = mutations(reqs).filter((q) => q.path.endsWith("/status/stop"));
      assertEquals(stops.length, 1, JSON.stringify(mutations(reqs).map((q) => q.path)));
      const refused = results.filter((r) => r.isError);
      assertEquals(refused.length, 1, results.map(textOf).join("\n---\n"));
      assertStringIncludes(
        textOf(refused[0]),
        "VMID 100 is busy: guest_power stop on it is still in progress",
      );
      assertEquals(sim.state.guests.get(100)!.status, "stopped");
      const lines = await auditLines(auditFile);
      assertEquals(lines.map((l) => l.outcome).sort(), ["ok", "refused"]);
      assertEquals(lines.map((l) => l.actor), ["stdio", "stdio"]);
      assertEquals(lines.map((l) => l.tool), ["guest_power", "guest_power"]);
      assertEquals(lines.find((l) => l.outcome === "ok").confirmed_by, "model");
      // Released afterwards: the next change goes through.
      const start = await call(srv, "guest_power", { action: "start", vmid: 100 });
      assert(!start.isError, textOf(start));
    } finally {
      await srv.close();
    }
    const v = await runCli(["audit", "verify", "--audit-key", `${dir}/audit.key`, auditFile]);
    assertEquals(v.code, 0, v.stdout);
  }));
