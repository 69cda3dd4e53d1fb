// tools.disabled_tools naming a first-release tool (stop_vm) switches off that one action of the
// merged tool, everywhere it could be reached; safety.snapshot_before keeps its old names.
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { call, startServer, textOf } from "../support/harness.ts";
import { DEMO_TOKEN, demoCluster, startSimulator } from "../../src/simulator/mod.ts";

Deno.test("disabled_tools: stop_vm switches off guest_power's stop for every guest", async () => {
  const sim = await startSimulator({ cluster: demoCluster(), tokens: [DEMO_TOKEN] });
  const srv = await startServer({
    sim,
    config: {
      tools: { disabled_tools: ["stop_vm", "start_container"] },
      safety: { snapshot_before: ["rollback_snapshot"] },
    },
  });
  try {
    const { tools } = await srv.client.listTools();
    const power = tools.find((t) => t.name === "guest_power");
    assert(power, "guest_power stays listed");
    const actions = (power.inputSchema.properties as Record<string, { enum: string[] }>).action
      .enum;
    assertEquals(actions.includes("stop") || actions.includes("start"), false, actions.join());
    assert(actions.includes("shutdown") && actions.includes("reboot"), actions.join());
    const posts = () => sim.requests.filter((q) => q.method !== "GET").length;
    const before = posts();
    for (
      const [name, args] of [
        ["guest_power", { action: "stop", vmid: 100, confirm: true }],
        ["guest_power", { action: "Start", vmid: 100 }],
        ["stop_container", { vmid: 200, confirm: true }],
        ["stop_vm", { vmid: 100, dry_run: true }],
      ] as const
    ) {
      const r = await call(srv, name, args);
      assert(r.isError, `${name}: ${textOf(r)}`);
      assertStringIncludes(textOf(r), "switched off on this server (tools.disabled_tools)");
    }
    assertEquals(posts(), before, "nothing was sent");
    // The dashboard's start button is gone; shutdown (not switched off) is still there.
    const viaApp = await call(srv, "dashboard_action", {
      action: "start",
      vmid: 101,
      type: "qemu",
      dry_run: true,
    });
    assertStringIncludes(textOf(viaApp), "not offered");
    const shutdown = await call(srv, "dashboard_action", {
      action: "shutdown",
      vmid: 100,
      type: "qemu",
      dry_run: true,
    });
    assert(!shutdown.isError, textOf(shutdown));
    // The old name in snapshot_before still plans a safety snapshot before a rollback.
    const list = await call(srv, "list_snapshots", { vmid: 100 });
    const snap = (list.structuredContent as { snapshots: { name: string }[] }).snapshots[0];
    assert(snap, "the demo VM 100 has a snapshot");
    const rb = await call(srv, "guest_snapshot", {
      action: "rollback",
      vmid: 100,
      snapname: snap.name,
      dry_run: true,
    });
    const s = rb.structuredContent as { safety_snapshot?: { name: string } };
    assertStringIncludes(s.safety_snapshot?.name ?? "", "mcp-pre-rollback-");
  } finally {
    await srv.close();
    await sim.close();
  }
});

Deno.test("disabled_tools: every snapshot change switched off by old names hides guest_snapshot", async () => {
  const sim = await startSimulator({ cluster: demoCluster(), tokens: [DEMO_TOKEN] });
  const srv = await startServer({
    sim,
    config: {
      tools: { disabled_tools: ["create_snapshot", "rollback_snapshot", "delete_snapshot"] },
    },
  });
  try {
    const names = (await srv.client.listTools()).tools.map((t) => t.name);
    assertEquals(names.includes("guest_snapshot"), false, names.join());
    assert(names.includes("list_snapshots") && names.includes("guest_power"), names.join());
    const r = await call(srv, "guest_snapshot", { action: "create", vmid: 100, snapname: "x1" });
    assertStringIncludes(textOf(r), "switched off on this server (tools.disabled_tools)");
  } finally {
    await srv.close();
    await sim.close();
  }
});
