// Structured results and JSON schemas are read field by field here.
// deno-lint-ignore-file no-explicit-any
/**
 * Dry runs of EVERY mutating tool the server registers (every toolset
 * enabled): arguments are built from each tool's input schema plus a real
 * target in the simulator (a small hint table covers what cannot be guessed),
 * and each dry run must reach PVE with GETs only. A new mutating tool is
 * covered without touching this file; one without `dry_run` fails loudly.
 * A tool whose `action` picks the act (guest_power, guest_snapshot) is run
 * once per action its schema lists, on a VM and, where it serves both kinds,
 * on a container.
 * Also: the plan's content (privileges per call, confirmation, the outcome
 * sentence, verdicts instead of errors) and the latency a dry run adds.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { call, type ServerUnderTest, startServer, textOf } from "../support/harness.ts";
import { demoCluster, startSimulator, tokenWithRole } from "../../src/simulator/mod.ts";
import { assertRequestsValid } from "../support/schema_check.ts";
import { requestsDuring } from "./action_support.ts";
import type { Simulator } from "../../src/simulator/mod.ts";
import { insightOf } from "../../src/simulator/insight_model.ts";
import { backupVolid } from "../../src/simulator/provision_model.ts";

/** Arguments a generator cannot guess, by tool (merged over the generated ones). */
function hints(sim: Simulator): Record<string, Record<string, unknown>> {
  const backup = insightOf(sim.state).backups.find((b) => b.type === "qemu")!;
  const archive = backupVolid(sim.state, backup);
  return {
    "guest_snapshot create": { vmid: 100, snapname: "dryrun_check" },
    "guest_snapshot rollback": { vmid: 100, snapname: "pre_upgrade" },
    "guest_snapshot delete": { vmid: 100, snapname: "after_upgrade" },
    "guest_snapshot create lxc": { vmid: 200 },
    "guest_snapshot rollback lxc": { vmid: 200, snapname: "clean" },
    "guest_snapshot delete lxc": { vmid: 200, snapname: "clean" },
    execute_vm_command: { node: "pve1", vmid: 100, command: "uptime" },
    create_vm: {
      node: "pve1",
      vmid: 990,
      name: "dryrun-vm",
      disks: [{ storage: "local-lvm", size: "8G" }],
    },
    create_container: {
      node: "pve1",
      vmid: 991,
      hostname: "dryrun-ct",
      template: "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst",
      rootfs: { storage: "local-lvm" },
    },
    clone_guest: { vmid: 9000, name: "dryrun-clone" },
    resize_disk: { vmid: 101, disk: "scsi0", size: "+1G" },
    move_disk: { vmid: 105, disk: "scsi0", storage: "local-lvm" },
    restore_backup: { archive, node: backup.storage === "local" ? "pve1" : "pve1" },
    delete_backup: { volid: archive, node: "pve1" },
  };
}

/** A real target for the generic fields, by the tool's guest type. */
function targetFor(name: string): Record<string, unknown> {
  return name.includes("container") || name.endsWith("_ct") ? { vmid: 200 } : { vmid: 101 };
}

/** A value for one required property of a JSON schema. */
function valueFor(key: string, s: any, tool: string): unknown {
  if (s?.enum?.length) return s.enum[0];
  if (s?.const !== undefined) return s.const;
  if (s?.default !== undefined) return s.default;
  if (s?.anyOf) return valueFor(key, s.anyOf.find((x: any) => x.type !== "null"), tool);
  if (key === "node" || key === "target" || key === "target_node") return "pve2";
  if (key === "vmid" || key === "newid") return key === "newid" ? 990 : targetFor(tool).vmid;
  if (key === "storage") return "local-lvm";
  switch (s?.type) {
    case "integer":
    case "number":
      return Math.max(s.minimum ?? 1, 1);
    case "boolean":
      return false;
    case "array":
      return [];
    case "object":
      return {};
    default:
      return s?.pattern ? undefined : "dryrun-x";
  }
}

/** Valid arguments for a tool: required fields generated, hints merged, dry_run on. */
function argsFor(tool: any, hint: Record<string, Record<string, unknown>>) {
  const props = tool.inputSchema?.properties ?? {};
  const args: Record<string, unknown> = {};
  for (const key of tool.inputSchema?.required ?? []) {
    const v = valueFor(key, props[key], tool.name);
    if (v !== undefined) args[key] = v;
  }
  if ("vmid" in props && args.vmid === undefined) Object.assign(args, targetFor(tool.name));
  return { ...args, ...hint[tool.name], dry_run: true };
}

/** Tools that serve VMs and containers alike: each action is also run on a container. */
const BOTH_KINDS = new Set(["guest_power", "guest_snapshot"]);

/** The dry runs of one tool: one, or one per action (and kind) when `action` picks the act. */
function casesFor(
  tool: any,
  hint: Record<string, Record<string, unknown>>,
): Record<string, unknown>[] {
  const base = argsFor(tool, hint);
  const actions: string[] | undefined = tool.inputSchema?.properties?.action?.enum;
  if (!actions) return [base];
  return actions.flatMap((action) => {
    const key = `${tool.name} ${action}`;
    const vm = { ...base, action, ...hint[key] };
    return BOTH_KINDS.has(tool.name) ? [vm, { ...vm, vmid: 200, ...hint[`${key} lxc`] }] : [vm];
  });
}

const CONFIG = {
  tools: { enabled_toolsets: ["provisioning", "backups"] },
  console: { enabled: true },
};

Deno.test("dry run: every mutating tool sends GETs only, and the plan says what would happen", async (t) => {
  const sim = await startSimulator({ cluster: demoCluster() });
  let srv: ServerUnderTest | undefined;
  try {
    srv = await startServer({ sim, config: CONFIG });
    const s = srv;
    const { tools } = await s.client.listTools();
    const mutating = tools.filter((x: any) => x.annotations?.readOnlyHint === false);

    await t.step("every mutating tool accepts dry_run", () => {
      assert(mutating.length >= 16, `only ${mutating.length} mutating tools listed`);
      for (const name of BOTH_KINDS) {
        const tool = mutating.find((x) => x.name === name);
        assert((tool?.inputSchema as any)?.properties?.action?.enum?.length >= 3, name);
      }
      const without = mutating.filter((x: any) =>
        !("dry_run" in (x.inputSchema?.properties ?? {}))
      );
      assertEquals(without.map((x) => x.name), [], "mutating tools without dry_run");
    });

    for (const tool of mutating) {
      for (const args of casesFor(tool, hints(sim))) {
        const what = [tool.name, args.action, args.action && `vmid ${args.vmid}`]
          .filter(Boolean).join(" ");
        await t.step(`${what}: dry run sends no request but GETs`, async () => {
          let r: any;
          const reqs = await requestsDuring(sim, async () => (r = await call(s, tool.name, args)));
          const writes = reqs.filter((q) => q.method !== "GET");
          assertEquals(
            writes.map((q) => `${q.method} ${q.path}`),
            [],
            `${tool.name} sent changes in a dry run`,
          );
          assert(!r.isError, `${tool.name} ${JSON.stringify(args)}: ${textOf(r)}`);
          const sc = r.structuredContent ?? {};
          assert(sc.result === "dry-run" || sc.dry_run === true, `${tool.name}: ${textOf(r)}`);
          if (args.action) assertEquals(sc.tool, tool.name);
          assertRequestsValid(reqs);
        });
      }
    }

    await t.step("the plan: privileges per call, confirmation, the outcome in words", async () => {
      const r: any = await call(s, "guest_power", { action: "stop", vmid: 101, dry_run: true });
      const sc = r.structuredContent;
      assertEquals(sc.verdict, "would run");
      assertEquals(sc.plan.map((p: any) => `${p.method} ${p.path}`), [
        "POST /nodes/pve1/qemu/101/status/stop",
      ]);
      const priv = sc.checks.find((c: any) => c.check.startsWith("privileges for POST"));
      assertEquals(priv?.verdict, "pass");
      assertEquals(sc.checks.find((c: any) => c.check === "confirmation")?.verdict, "ask");
      assertStringIncludes(sc.message, "goes from running to stopped");
      assertStringIncludes(sc.message, "of uptime ends");
      assertEquals(sim.state.guests.get(101)!.status, "running");
    });

    await t.step("a failing precondition is the verdict, not an error", async () => {
      const locked: any = await call(s, "guest_power", {
        action: "shutdown",
        vmid: 102,
        dry_run: true,
      });
      assert(!locked.isError, textOf(locked));
      assertEquals(locked.structuredContent.verdict, "would be refused");
      assertStringIncludes(locked.structuredContent.message, "locked (backup)");
      const missing: any = await call(s, "guest_power", {
        action: "start",
        vmid: 4242,
        dry_run: true,
      });
      assert(!missing.isError, textOf(missing));
      assertEquals(missing.structuredContent.verdict, "would be refused");
      assertStringIncludes(missing.structuredContent.message, "No VM or container with VMID 4242");
    });
  } finally {
    await srv?.close();
    await sim.close();
  }
});

Deno.test("dry run: a privilege the token lacks is named per call with the pveum fix", async () => {
  const sim = await startSimulator({
    cluster: demoCluster(),
    tokens: [tokenWithRole("PVEAuditor")],
  });
  // PVEAuditor may read but not power anything; hiding off so the tool stays callable.
  const srv = await startServer({
    sim,
    token: tokenWithRole("PVEAuditor"),
    config: { tools: { hide_unpermitted: false } },
  });
  try {
    const r: any = await call(srv, "guest_power", { action: "start", vmid: 105, dry_run: true });
    assert(!r.isError, textOf(r));
    const sc = r.structuredContent;
    assertEquals(sc.verdict, "would be refused");
    const priv = sc.checks.find((c: any) => c.check.startsWith("privileges for POST"));
    assertEquals(priv?.verdict, "fail");
    assertStringIncludes(priv.detail, "VM.PowerMgmt");
    assertStringIncludes(priv.detail, "pveum acl modify /vms/105");
    assertEquals(sim.requests.filter((q) => q.method !== "GET").length, 0);
  } finally {
    await srv.close();
    await sim.close();
  }
});

Deno.test("dry run: the extra latency over a plain read (median of 15)", async () => {
  const sim = await startSimulator({ cluster: demoCluster() });
  const srv = await startServer({ sim, config: { logging: { level: "WARNING" } } });
  try {
    const median = async (fn: () => Promise<unknown>) => {
      const ms: number[] = [];
      for (let i = 0; i < 15; i++) {
        const t0 = performance.now();
        await fn();
        ms.push(performance.now() - t0);
      }
      return ms.sort((a, b) => a - b)[7];
    };
    await call(srv, "get_guest", { vmid: 101 }); // warm up both paths
    const stop = { action: "stop", vmid: 101, dry_run: true };
    await call(srv, "guest_power", stop);
    const read = await median(() => call(srv, "get_guest", { vmid: 101 }));
    const dry = await median(() => call(srv, "guest_power", stop));
    console.log(
      `dry-run latency: guest_power stop dry_run median ${dry.toFixed(1)} ms, get_guest median ` +
        `${read.toFixed(1)} ms, extra ${(dry - read).toFixed(1)} ms`,
    );
    assert(dry < read + 250, `a dry run costs little more than a read (${dry} vs ${read})`);
  } finally {
    await srv.close();
    await sim.close();
  }
});
