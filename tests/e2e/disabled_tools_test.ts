// tools.disabled_tools (issue 17): single tools switched off, everywhere they could be reached.
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { call, configFor, runCli, startServer, textOf } from "../support/harness.ts";
import { DEMO_TOKEN, demoCluster, startSimulator } from "../../src/simulator/mod.ts";

Deno.test("tools.disabled_tools: not listed, not callable, not reachable via the dashboard", async () => {
  const sim = await startSimulator({ cluster: demoCluster(), tokens: [DEMO_TOKEN] });
  const srv = await startServer({
    sim,
    config: { tools: { disabled_tools: ["get_storage", "guest_power"] } },
  });
  try {
    const names = (await srv.client.listTools()).tools.map((t) => t.name);
    assert(!names.includes("get_storage") && !names.includes("guest_power"), names.join(","));
    assert(names.includes("get_nodes") && names.includes("guest_snapshot"));
    const posts = () => sim.requests.filter((q) => q.method !== "GET").length;
    const before = posts();
    const refusal = (name: string, args: Record<string, unknown>) =>
      srv.client.callTool({ name, arguments: args }).then((x) => textOf(x), (e) => String(e));
    assertStringIncludes(
      await refusal("guest_power", { action: "start", vmid: 100 }),
      "switched off in tools.disabled_tools",
    );
    // An old name of one of its actions reaches nothing either.
    assertStringIncludes(await refusal("start_vm", { vmid: 100 }), 'Unknown tool: "start_vm"');
    assertEquals(posts(), before, "nothing was sent");
    const viaApp = await call(srv, "dashboard_action", {
      action: "start",
      vmid: 100,
      type: "qemu",
      dry_run: true,
    });
    assert(viaApp.isError, textOf(viaApp));
    assertStringIncludes(textOf(viaApp), "not offered");
    // guest_power serves containers too: the button is gone for them as well.
    const ct = await call(srv, "dashboard_action", {
      action: "start",
      vmid: 200,
      type: "lxc",
      dry_run: true,
    });
    assert(ct.isError, textOf(ct));
    assertStringIncludes(textOf(ct), "not offered");
    // What another tool does stays: a snapshot goes through guest_snapshot.
    const snap = await call(srv, "dashboard_action", {
      action: "snapshot",
      vmid: 200,
      type: "lxc",
      dry_run: true,
    });
    assert(!snap.isError, textOf(snap));
  } finally {
    await srv.close();
    await sim.close();
  }
});

Deno.test("tools.disabled_tools: an old action name switches that action off, for every guest", async () => {
  const sim = await startSimulator({ cluster: demoCluster(), tokens: [DEMO_TOKEN] });
  const srv = await startServer({ sim, config: { tools: { disabled_tools: ["start_vm"] } } });
  try {
    const names = (await srv.client.listTools()).tools.map((t) => t.name);
    assert(names.includes("guest_power"), "the merged tool stays for its other actions");
    const posts = () => sim.requests.filter((q) => q.method !== "GET").length;
    const before = posts();
    // By the tool, by the old name, by the container's old name: one switch, no way around it.
    for (
      const [name, args] of [
        ["guest_power", { action: "start", vmid: 105 }],
        ["guest_power", { action: "Boot", vmid: 105 }],
        ["start_vm", { vmid: 105 }],
        ["start_container", { vmid: 201 }],
      ] as const
    ) {
      const r = await call(srv, name, args);
      assert(r.isError, `${name} ${JSON.stringify(args)}: ${textOf(r)}`);
      assertStringIncludes(textOf(r), "switched off", name);
    }
    assertEquals(posts(), before, "nothing was sent");
    const stop = await call(srv, "guest_power", { action: "stop", vmid: 100, dry_run: true });
    assert(!stop.isError, textOf(stop));
    const viaApp = await call(srv, "dashboard_action", {
      action: "start",
      vmid: 201,
      type: "lxc",
      dry_run: true,
    });
    assert(viaApp.isError);
    assertStringIncludes(textOf(viaApp), "not offered");
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
