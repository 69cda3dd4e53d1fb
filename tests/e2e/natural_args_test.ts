// Arguments as a model sends them (issue 17), over stdio and through the CLI `call` path:
// numeric strings, guest names, node names in the wrong case, enum synonyms; bad values refused.
import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { call, runCli, startServer, textOf } from "../support/harness.ts";
import { DEMO_TOKEN, demoCluster, startSimulator } from "../../src/simulator/mod.ts";

// deno-lint-ignore no-explicit-any
const data = (r: unknown) => (r as any).structuredContent;

Deno.test("natural arguments over stdio", async (t) => {
  const sim = await startSimulator({ cluster: demoCluster(), tokens: [DEMO_TOKEN] });
  const srv = await startServer({ sim });
  try {
    await t.step("tools/list: vmid says it takes a number or a string", async () => {
      const { tools } = await srv.client.listTools();
      const diag = tools.find((x) => x.name === "diagnose_vm_issues")!;
      // deno-lint-ignore no-explicit-any
      const props = diag.inputSchema.properties as any;
      assertEquals(props.vmid.type, ["integer", "string"]);
      assertEquals(diag.inputSchema.required, ["vmid"], "node is optional with a VMID");
    });

    await t.step("diagnose_vm_issues with a numeric-string VMID and no node", async () => {
      const r = await call(srv, "diagnose_vm_issues", { vmid: "102" });
      assert(!r.isError, textOf(r));
      assertEquals([data(r).guest.vmid, data(r).guest.node], [102, "pve1"]);
    });

    await t.step("node names in another case; unknown nodes listed", async () => {
      const ok = await call(srv, "get_node_status", { node: "PVE1" });
      assert(!ok.isError, textOf(ok));
      assertEquals(data(ok).node, "pve1");
      const bad = await call(srv, "get_node_status", { node: "pve9" });
      assert(bad.isError);
      assertStringIncludes(textOf(bad), 'node "pve9" is not part of this cluster');
      assertStringIncludes(textOf(bad), 'did you mean "pve1"? nodes are pve1, pve2, pve3.');
      const caps = await call(srv, "get_vms", { node: "PVE9" });
      assertStringIncludes(
        textOf(caps),
        'node: no node "PVE9": did you mean "pve1"? nodes are pve1, pve2, pve3. Nothing was done.',
      );
      const ghost = await call(srv, "get_vms", { node: "ghost" });
      assertStringIncludes(
        textOf(ghost),
        "is not part of this cluster: nodes are pve1, pve2, pve3.",
      );
      const wrong = await call(srv, "get_guest", { vmid: 100, node: "PVE2" });
      assert(wrong.isError, "the canonical node is still checked against the guest's");
      assertStringIncludes(textOf(wrong), "pve1");
    });

    await t.step("a guest by name where a VMID is asked", async () => {
      const r = await call(srv, "get_guest", { vmid: "web01" });
      assert(!r.isError, textOf(r));
      assertEquals(data(r).vmid, 100);
      const d = await call(srv, "diagnose_vm_issues", { vmid: "DB01" });
      assertEquals(data(d).guest.vmid, 102, textOf(d));
      const none = await call(srv, "get_guest", { vmid: "web03" });
      assert(none.isError);
      assertStringIncludes(textOf(none), 'no guest named "web03"');
      sim.state.guests.get(101)!.name = "web01";
      const two = await call(srv, "get_guest", { vmid: "web01" });
      assert(two.isError, "an ambiguous name is never guessed");
      assertStringIncludes(textOf(two), '2 guests are named "web01"');
      assertStringIncludes(textOf(two), "100 (VM web01 on pve1), 101 (VM web01 on pve1)");
      sim.state.guests.get(101)!.name = "web02";
    });

    await t.step("a name can pick the target of a dry-run action", async () => {
      const r = await call(srv, "guest_power", { action: "Start", vmid: "web02", dry_run: true });
      assert(!r.isError, textOf(r));
      assertStringIncludes(textOf(r), "101");
    });

    await t.step("enum values in any case and with synonyms", async () => {
      const m = await call(srv, "get_metrics", { vmid: 100, timeframe: "24h" });
      assert(!m.isError, textOf(m));
      assertEquals([data(m).timeframe, data(m).target.node], ["day", "pve1"]);
      const w = await call(srv, "get_metrics", { node: "pve1", timeframe: "1W", cf: "max" });
      assertEquals([data(w).timeframe, data(w).cf], ["week", "MAX"]);
      const vms = await call(srv, "get_vms", { status: "Running" });
      assert(!vms.isError, textOf(vms));
      assert(data(vms).guests.length > 0);
      // deno-lint-ignore no-explicit-any
      assert(data(vms).guests.every((g: any) => g.status === "running"));
      const cts = await call(srv, "get_vms", { type: "CT" });
      assert(!cts.isError, textOf(cts));
      // deno-lint-ignore no-explicit-any
      assert(data(cts).guests.length > 0 && data(cts).guests.every((g: any) => g.type === "lxc"));
      const reboot = await call(srv, "guest_power", {
        action: "Restart",
        vmid: 100,
        dry_run: true,
      });
      assert(!reboot.isError, textOf(reboot));
      assertEquals(data(reboot).action, "reboot");
      assertEquals(data(reboot).plan.map((p: { path: string }) => p.path), [
        "/nodes/pve1/qemu/100/status/reboot",
      ]);
    });

    await t.step("invalid values are refused naming field, value and allowed ones", async () => {
      const tf = await call(srv, "get_metrics", { node: "pve1", timeframe: "fortnight" });
      assert(tf.isError);
      assertStringIncludes(
        textOf(tf),
        'timeframe: "fortnight" is not one of hour, day, week, month, year',
      );
      const low = await call(srv, "get_guest", { vmid: "99" });
      assertStringIncludes(textOf(low), "vmid: VMIDs start at 100");
      const odd = await call(srv, "get_guest", { vmid: "web 01; rm" });
      assertStringIncludes(textOf(odd), "is not a VMID (e.g. 100) or a guest name");
      const none = await call(srv, "get_metrics", {});
      assertStringIncludes(textOf(none), "give node");
    });
  } finally {
    await srv.close();
    await sim.close();
  }
});

Deno.test("natural arguments through the CLI call path", async () => {
  const r = await runCli([
    "--demo",
    "call",
    "get_guest",
    "--args",
    '{"vmid":"dns01","node":"PVE1"}',
  ]);
  assertEquals(r.code, 0, r.stderr);
  assertStringIncludes(r.stdout, "dns01");
  const bad = await runCli(["--demo", "call", "get_node_status", "--args", '{"node":"pve7"}']);
  assertEquals(bad.code, 1, bad.stderr);
  assertStringIncludes(bad.stderr, 'node "pve7" is not part of this cluster');
});
