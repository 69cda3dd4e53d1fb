/**
 * What start-up builds without loading: the PVE transport and the audit writer
 * are imported on first use and must then behave as if built eagerly.
 */
import { assert, assertEquals } from "../support/assert.ts";
import { lazyTransport } from "../../src/runtime.ts";
import { lazyFileAuditLog } from "../../src/safety/audit_sink.ts";
import { verifyAuditFiles } from "../../src/safety/audit_verify.ts";
import { Redactor } from "../../src/log.ts";

Deno.test("lazy transport: the first request builds it, close frees it", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req) => new Response(`seen ${new URL(req.url).pathname}`, { status: 201 }),
  );
  const t = lazyTransport({ verifyTls: true, caCerts: [] });
  try {
    const r = await t.send({
      method: "GET",
      url: `http://127.0.0.1:${server.addr.port}/api2/json/version`,
      headers: {},
      signal: AbortSignal.timeout(5000),
    });
    assertEquals([r.status, r.body], [201, "seen /api2/json/version"]);
  } finally {
    t.close();
    await server.shutdown();
  }
});

Deno.test("lazy audit log: records issued before the writer loads keep their order", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pmcp-lazy-audit-" });
  try {
    const audit = lazyFileAuditLog(`${dir}/audit.jsonl`, new Redactor());
    // Not awaited one by one: all three wait on the same load, then on the writer's queue.
    await Promise.all(
      [100, 101, 102].map((vmid) =>
        audit.record({ tool: "stop_vm", outcome: "ok", target: { node: "pve1", vmid } })
      ),
    );
    const lines = (await Deno.readTextFile(`${dir}/audit.jsonl`)).trim().split("\n");
    assertEquals(lines.map((l) => JSON.parse(l).target.vmid), [100, 101, 102]);
    const report = await verifyAuditFiles([`${dir}/audit.jsonl`]);
    assert(report.ok, JSON.stringify(report));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
