// Structured results are read field by field here; typing each nested shape adds nothing.
// deno-lint-ignore-file no-explicit-any
/**
 * Protection covers backups: deleting or restoring over the backup of a
 * guest protected by VMID or by tag is refused, nothing sent; tags in the
 * configuration are trimmed. Misspelt toolset and action names fail the
 * configuration with a did-you-mean, also for `tools --config`.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { call, configFor, runCli, startServer, textOf } from "../support/harness.ts";
import { DEMO_TOKEN, demoCluster, startSimulator } from "../../src/simulator/mod.ts";
import { assertRequestsValid } from "../support/schema_check.ts";
import { mutations, requestsDuring } from "./action_support.ts";

const OPT_IN = { enabled_toolsets: ["provisioning", "backups"] };

Deno.test("backups of protected guests (by VMID, by trimmed tag) cannot be deleted or restored over", async () => {
  const sim = await startSimulator({ cluster: demoCluster(), tokens: [DEMO_TOKEN] });
  const srv = await startServer({
    sim,
    config: { tools: OPT_IN, safety: { protected_vmids: [101], protected_tags: [" DB "] } },
  });
  try {
    const volidOf = async (vmid: number) => {
      const r: any = await call(srv, "list_backups", { vmid });
      assert(!r.isError, textOf(r));
      const protectedNow = vmid !== 100;
      assertEquals(typeof r.structuredContent.protection === "string", protectedNow, textOf(r));
      return r.structuredContent.backups[0].volid as string;
    };
    for (
      const [vmid, why] of [[101, "safety.protected_vmids"], [102, 'the PVE tag "db"']] as const
    ) {
      const volid = await volidOf(vmid);
      let r: any;
      const reqs = await requestsDuring(sim, async () => {
        r = await call(srv, "delete_backup", { volid, node: "pve1", confirm: true });
      });
      assert(r.isError, textOf(r));
      assertStringIncludes(textOf(r), `${volid} is a backup of a protected guest`);
      assertStringIncludes(textOf(r), why);
      assertEquals(mutations(reqs), []);
      const over: any = await call(srv, "restore_backup", {
        archive: volid,
        node: "pve1",
        vmid,
        force: true,
        confirm: true,
      });
      assert(over.isError, textOf(over));
      assertStringIncludes(textOf(over), "protected");
    }
    // An unprotected guest's backup still goes (the check is not a blanket refusal).
    const free = await volidOf(100);
    const del: any = await call(srv, "delete_backup", { volid: free, node: "pve1", confirm: true });
    assert(!del.isError, textOf(del));
    assertEquals(del.structuredContent.result, "done");
    assertRequestsValid(sim.requests);
  } finally {
    await srv.close();
    await sim.close();
  }
});

Deno.test("misspelt toolset and action names fail the configuration with a did-you-mean", async () => {
  const sim = await startSimulator({ cluster: demoCluster(), tokens: [DEMO_TOKEN] });
  const dir = await Deno.makeTempDir({ prefix: "pmcp-names-" });
  try {
    const cfg = `${dir}/config.json`;
    await Deno.writeTextFile(
      cfg,
      JSON.stringify(configFor(sim, DEMO_TOKEN, {
        tools: { disabled_toolsets: ["lifecyle"] },
        safety: { snapshot_before: ["rolback"], protected_tags: ["pro d"] },
      })),
    );
    for (const command of [["tools"], ["check"], ["tools", "--json"]]) {
      const r = await runCli([...command, "--config", cfg]);
      assertEquals(r.code, 3, `${command}: ${r.stdout}${r.stderr}`);
      assertEquals(r.stdout, "", "no default tool list instead of the errors");
      assertStringIncludes(
        r.stderr,
        'safety.protected_tags.0: "pro d" is not valid: must be a PVE tag',
      );
    }
    await Deno.writeTextFile(
      cfg,
      JSON.stringify(configFor(sim, DEMO_TOKEN, {
        tools: { disabled_toolsets: ["lifecyle"] },
        safety: { snapshot_before: ["rolback"] },
      })),
    );
    for (const command of ["tools", "check"]) {
      const r = await runCli([command, "--config", cfg]);
      assertEquals(r.code, 3, r.stdout + r.stderr);
      assertStringIncludes(
        r.stderr,
        'tools.disabled_toolsets.0: "lifecyle" is not a toolset: did you mean "lifecycle"?',
      );
      assertStringIncludes(
        r.stderr,
        'safety.snapshot_before.0: "rolback" is not an action or tool: did you mean "rollback"?',
      );
    }
  } finally {
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
});
