/**
 * tasks/cancel is a change too: it fails closed when the audit trail cannot
 * be written (no DELETE reaches PVE), and is audited when it can.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { configFor } from "../support/harness.ts";
import { spawnRaw } from "../robustness/raw_stdio.ts";
import { demoCluster, startSimulator } from "../../src/simulator/mod.ts";
import { simActions } from "../../src/simulator/actions.ts";
import { stdioCall } from "../support/modern.ts";

const deletes = (sim: Awaited<ReturnType<typeof startSimulator>>) =>
  sim.requests.filter((q) => q.method === "DELETE" && q.path.includes("/tasks/UPID:")).length;

Deno.test("tasks/cancel refuses when the audit trail is gone, and is audited otherwise", async () => {
  const sim = await startSimulator({ cluster: demoCluster() });
  const dir = await Deno.makeTempDir();
  const auditDir = `${dir}/audit`;
  await Deno.mkdir(auditDir);
  const configPath = `${dir}/config.json`;
  await Deno.writeTextFile(
    configPath,
    JSON.stringify(configFor(sim, undefined, { audit: { file: `${auditDir}/trail.jsonl` } })),
  );
  const srv = spawnRaw({ configPath });
  try {
    const start = async () => {
      simActions(sim.state).next.push({ durationMs: Infinity });
      const r = await stdioCall(srv, "tools/call", {
        name: "guest_power",
        arguments: { action: "reboot", vmid: 100, confirm: true },
      }, { tasks: true });
      assertEquals(r.result?.resultType, "task", JSON.stringify(r));
      return r.result.taskId as string;
    };
    const first = await start();
    await Deno.remove(auditDir, { recursive: true });
    const refused = await stdioCall(srv, "tasks/cancel", { taskId: first }, { tasks: true });
    assert(refused.error && /not cancelled/.test(refused.error.message), JSON.stringify(refused));
    assertEquals(deletes(sim), 0, "no stop request without an audit line");
    await Deno.mkdir(auditDir);
    const ok = await stdioCall(srv, "tasks/cancel", { taskId: first }, { tasks: true });
    assert(ok.result, JSON.stringify(ok));
    assertEquals(deletes(sim), 1);
    const lines = (await Deno.readTextFile(`${auditDir}/trail.jsonl`)).trim().split("\n")
      .map((l) => JSON.parse(l));
    assert(
      lines.some((l) =>
        l.outcome === "cancelled" && l.actor === "stdio" && l.tool === "guest_power"
      ),
      "audited",
    );
  } finally {
    await srv.close();
    await sim.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
