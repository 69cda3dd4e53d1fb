// Structured results are read field by field here; typing each nested shape adds nothing.
// deno-lint-ignore-file no-explicit-any
/**
 * Diagnostics and privileges end to end: checks the token may not run are
 * listed as not checked, and the security posture of tokens and config.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { call, textOf } from "../support/harness.ts";
import { type SimToken, tokenWithRole } from "../../src/simulator/mod.ts";
import { AUDIT_TOKEN, healthyCluster } from "../../src/simulator/scenarios.ts";
import { insightOf } from "../../src/simulator/insight_model.ts";
import { ids, one, withServer } from "./diag_support.ts";

Deno.test("missing privileges are reported as not checked, never skipped silently", async () => {
  // VM-only token: no Sys.Audit anywhere, so quorum, HA, nodes and storage cannot be read.
  const token = tokenWithRole("PVEVMUser", { tokenid: "vmuser", path: "/vms" });
  await withServer({ state: healthyCluster(), token }, async (srv) => {
    const r = await call(srv, "analyze_cluster_health");
    assert(!r.isError, textOf(r));
    const nc = (r.structuredContent as any).not_checked.map((
      n: any,
    ) => [n.check, n.privilege, n.path]);
    assertEquals(nc, [
      ["cluster.quorum", "Sys.Audit", "/"],
      ["ha.error", "Sys.Audit", "/"],
      ["node.pressure", "Sys.Audit", "/nodes"],
      ["storage.usage", "Datastore.Audit", "/storage"],
    ]);
    assertStringIncludes(textOf(r), "not checked: missing privilege Sys.Audit on /");
  });
});

Deno.test("security: token privileges, privsep, root@pam, TLS off, updates, console", async (t) => {
  await t.step("Administrator token: escalation, node control, updates listed", async () => {
    const state = healthyCluster();
    insightOf(state).apt.pve1 = [
      { Package: "pve-manager", OldVersion: "9.1.2", Version: "9.1.3", Origin: "Proxmox" },
      {
        Package: "openssl",
        OldVersion: "3.5.1-1",
        Version: "3.5.1-1+deb13u1",
        Origin: "Debian",
        Section: "security",
      },
    ];
    const token = tokenWithRole("Administrator", { tokenid: "admin" });
    await withServer({ state, token }, async (srv) => {
      const r = await call(srv, "analyze_security_posture");
      assertEquals(ids(r), [
        "node.updates.pending",
        "token.privileges.escalation",
        "token.privileges.node_control",
        // An Administrator token of an Administrator user: as wide as its user.
        "token.privsep.off",
      ]);
      const esc = one(r, "token.privileges.escalation");
      assertEquals(esc.severity, "critical");
      assert(esc.evidence.values.privileges.includes("Permissions.Modify on /"));
      const upd = one(r, "node.updates.pending");
      assertEquals([
        upd.severity,
        upd.evidence.values.updates,
        upd.evidence.values.security_updates,
      ], [
        "warning",
        2,
        1,
      ]);
      assertEquals((r.structuredContent as any).not_checked, []);
    });
  });

  await t.step("root@pam without privsep, TLS verification off, loose console", async () => {
    const token: SimToken = {
      ...tokenWithRole("Administrator", { user: "root@pam", tokenid: "mcp" }),
      privsep: false,
    };
    await withServer({ state: healthyCluster(), token }, async (srv) => {
      const r = await call(srv, "analyze_security_posture");
      const got = ids(r);
      for (const id of ["token.root", "config.tls.verify_off", "config.console.loose"]) {
        assert(got.includes(id), `${id} in ${got}`);
      }
      assert(!got.includes("token.privsep.off"), "root is reported as root, not as privsep");
      assertEquals(one(r, "config.console.loose").evidence.values.issues, [
        "allow_shell is true (any shell command)",
      ]);
    }, (sim) => ({
      proxmox: { host: sim.hostname, port: sim.port, verify_ssl: false },
      console: { enabled: true, allow_shell: true },
    }));
  });

  await t.step("a token without privilege separation", async () => {
    const token: SimToken = { ...AUDIT_TOKEN, tokenid: "nosep", privsep: false };
    await withServer({ state: healthyCluster(), token }, async (srv) => {
      const f = one(await call(srv, "analyze_security_posture"), "token.privsep.off");
      assertEquals(f.severity, "warning");
      assertEquals(
        f.evidence.source,
        "GET /access/permissions, GET /access/permissions?userid=mcp@pve",
      );
    });
  });
});
