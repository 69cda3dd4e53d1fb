/**
 * A tool list fitted to the token, and calls refused before they reach PVE
 * when the token lacks the privilege.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { call, startServer, textOf } from "../support/harness.ts";
import { demoCluster, startSimulator, tokenWithRole } from "../../src/simulator/mod.ts";
import { ToolListChangedNotificationSchema } from "../support/sdk_client.ts";
import { assertRequestsValid } from "../support/schema_check.ts";

const MUTATING_SAMPLE = ["guest_power", "guest_snapshot"];

Deno.test("an auditor token sees only tools it can use; a full token sees all", async () => {
  const sim = await startSimulator({
    cluster: demoCluster(),
    tokens: [tokenWithRole("PVEAuditor"), tokenWithRole("Administrator")],
  });
  const auditor = await startServer({ sim, token: tokenWithRole("PVEAuditor") });
  const admin = await startServer({ sim, token: tokenWithRole("Administrator") });
  try {
    const a = await auditor.client.listTools();
    const full = await admin.client.listTools();
    const aNames = a.tools.map((t) => t.name);
    const fullNames = full.tools.map((t) => t.name);
    for (const name of MUTATING_SAMPLE) {
      assert(!aNames.includes(name), `${name} hidden from an auditor`);
      assert(fullNames.includes(name), `${name} offered to an administrator`);
    }
    assert(aNames.includes("get_vms") && aNames.includes("list_snapshots"));
    assert(
      a.tools.every((t) => t.annotations?.readOnlyHint === true),
      "an auditor sees read tools only",
    );
    const sizes = { auditor: JSON.stringify(a).length, full: JSON.stringify(full).length };
    console.log(
      `tools/list bytes: auditor ${sizes.auditor} (${aNames.length} tools), full ${sizes.full} (${fullNames.length} tools)`,
    );
    assert(sizes.auditor < sizes.full);
    // Hidden is not unreachable: a call from a stale list gets the reason and the fix.
    const vm = [...sim.state.guests.values()].find((g) =>
      g.type === "qemu" && !g.template && !g.lock && sim.state.nodes.get(g.node)?.online
    )!;
    Object.assign(vm, { status: "stopped", uptime: 0 });
    const posts = sim.requests.filter((q) => q.method !== "GET").length;
    const hidden = await call(auditor, "guest_power", { action: "start", vmid: vm.vmid });
    assert(hidden.isError);
    assertStringIncludes(textOf(hidden), "VM.PowerMgmt");
    assertStringIncludes(textOf(hidden), "pveum acl modify");
    assertEquals(sim.requests.filter((q) => q.method !== "GET").length, posts, "nothing sent");
    const perms = sim.requests.filter((r) => r.path === "/access/permissions");
    // One read per session, plus one that confirms the refusal (a grant may be seconds old).
    assertEquals(perms.length, 3, "one permission read per session, one per refusal");
  } finally {
    await auditor.close();
    await admin.close();
    await sim.close();
  }
});

Deno.test("a privilege granted mid-session shows up as list_changed; a missing one is refused before sending", async () => {
  const token = tokenWithRole("PVEAuditor");
  const sim = await startSimulator({ cluster: demoCluster(), tokens: [token] });
  const srv = await startServer({ sim, token, config: { tools: { permissions_refresh_s: 1 } } });
  let changed = 0;
  srv.client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    changed++;
  });
  try {
    const before = (await srv.client.listTools()).tools.map((t) => t.name);
    assert(!before.includes("guest_power"));
    changed = 0; // the first fit (before the first list) is not what this test waits for
    // Grant VM.PowerMgmt on one guest only.
    const candidates = [...sim.state.guests.values()].filter((g) =>
      g.type === "qemu" && !g.template && !g.lock && sim.state.nodes.get(g.node)?.online
    );
    const [vm, other] = candidates;
    for (const g of [vm, other]) Object.assign(g, { status: "stopped", uptime: 0, cpu: 0 });
    token.acl[`/vms/${vm.vmid}`] = { "VM.PowerMgmt": 0, "VM.Audit": 0 };
    const deadline = Date.now() + 5000;
    while (changed === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert(changed > 0, "list_changed arrived");
    const after = (await srv.client.listTools()).tools.map((t) => t.name);
    assert(
      after.includes("guest_power"),
      "guest_power is offered once the token may power something",
    );

    const posts = () => sim.requests.filter((r) => r.method !== "GET").length;
    const before2 = posts();
    const refused = await call(srv, "guest_power", { action: "start", vmid: other.vmid });
    assert(refused.isError);
    const text = textOf(refused);
    assertStringIncludes(text, `lacks VM.PowerMgmt on /vms/${other.vmid}`);
    assertStringIncludes(
      text,
      `pveum acl modify /vms/${other.vmid} --tokens '${token.user}!${token.tokenid}' --roles PVEVMUser`,
    );
    assertEquals(posts(), before2, "nothing was sent to PVE for the refused call");

    const ok = await call(srv, "guest_power", { action: "start", vmid: vm.vmid });
    assert(!ok.isError, textOf(ok));
    assertEquals(posts(), before2 + 1, "the permitted call was sent once");
    assertRequestsValid(sim.requests);
  } finally {
    await srv.close();
    await sim.close();
  }
});

Deno.test("with hide_unpermitted off, unusable tools stay listed with a note", async () => {
  const token = tokenWithRole("PVEAuditor");
  const sim = await startSimulator({ cluster: demoCluster(), tokens: [token] });
  const srv = await startServer({ sim, token, config: { tools: { hide_unpermitted: false } } });
  try {
    const tools = (await srv.client.listTools()).tools;
    const power = tools.find((t) => t.name === "guest_power");
    assert(power, "listed");
    assertStringIncludes(power.description ?? "", "holds none of VM.PowerMgmt");
  } finally {
    await srv.close();
    await sim.close();
  }
});
