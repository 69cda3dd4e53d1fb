// tools.disabled_tools (issue 17): single tools switched off, everywhere they could be reached.
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { call, configFor, runCli, startServer, textOf } from "../support/harness.ts";
import { DEMO_TOKEN, demoCluster, startSimulator } from "../../src/simulator/mod.ts";

Deno.test("tools.disabled_tools: not listed, not callable, not reachable via the dashboard", async () => {
  const sim = await startSimulator({ cluster: demoCluster(), tokens: [DEMO_TOKEN] });
  const srv = await startServer({
    sim,
    config: { tools: { disabled_tools: ["get_storage", "start_vm"] } },
  });
  try {
    const names = (await srv.client.listTools()).tools.map((t) => t.name);
    assert(!names.includes("get_storage") && !names.includes("start_vm"), names.join(","));
    assert(names.includes("get_nodes") && names.includes("start_container"));
    const r = await srv.client.callTool({ name: "start_vm", arguments: { vmid: 100 } })
      .then((x) => textOf(x), (e) => String(e));
    assertStringIncludes(r, "switched off in tools.disabled_tools");
    const viaApp = await call(srv, "dashboard_action", {
      action: "start",
      vmid: 100,
      type: "qemu",
      dry_run: true,
    });
    assert(viaApp.isError, textOf(viaApp));
    assertStringIncludes(textOf(viaApp), "not offered");
    const ct = await call(srv, "dashboard_action", {
      action: "start",
      vmid: 200,
      type: "lxc",
      dry_run: true,
    });
    assert(!ct.isError, textOf(ct));
  } finally {
    await srv.close();
    await sim.close();
  }
});

Deno.test("tools.disabled_tools: a misspelt name stops the start with a did-you-mean", async () => {
  const sim = await startSimulator({ cluster: demoCluster(), tokens: [DEMO_TOKEN] });
  const dir = await Deno.makeTempDir();
  try {
    const cfg = `${dir}/c.json`;
    const doc = configFor(sim, DEMO_TOKEN, { tools: { disabled_tools: ["get_storge"] } });
    await Deno.writeTextFile(cfg, JSON.stringify(doc));
    const r = await runCli(["check", "--config", cfg]);
    assertEquals(r.code, 3, r.stderr);
    assertStringIncludes(r.stderr, "tools.disabled_tools.0");
    assertStringIncludes(r.stderr, 'did you mean "get_storage"?');
  } finally {
    await Deno.remove(dir, { recursive: true });
    await sim.close();
  }
});
