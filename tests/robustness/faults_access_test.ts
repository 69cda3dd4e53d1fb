/**
 * Faults of access and reachability, end to end: the token revoked mid-session
 * (401), a privilege removed (403), PVE unreachable at start and mid-session.
 * Each is a specific tool error, never retried, and the server answers
 * correctly once the cause is gone.
 */

import { assert, assertEquals } from "../support/assert.ts";
import { call, startServer, textOf } from "../support/harness.ts";
import { demoCluster, type Simulator, startSimulator } from "../../src/simulator/mod.ts";
import {
  assertActionable,
  assertHealthy,
  assertInTemplates,
  during,
  ownToken,
  revokeToken,
  TIMEOUT_MS,
  withFaultSession,
} from "./helpers.ts";

Deno.test("faults: token revoked (401) and privilege removed (403) mid-session", async (t) => {
  await withFaultSession(async (sim, srv, token) => {
    await assertHealthy(srv, sim, "start");

    await t.step("token revoked: 401, not retried, says what to check", async () => {
      const secret = revokeToken(token);
      try {
        const { result: r, reqs } = await during(sim, () => call(srv, "get_nodes"));
        assert(r.isError);
        assertActionable(textOf(r), ["401", "auth.token_value", "revoked"], "401");
        const nodes = reqs.filter((q) => q.path === "/nodes");
        assertEquals(nodes.map((q) => q.status), [401], "a 401 is never retried");
        // The server may re-read its permission snapshot after a 401: nothing else.
        const others = reqs.filter((q) => !nodes.includes(q));
        assert(
          others.every((q) => q.method === "GET" && q.path === "/access/permissions"),
          others.map((q) => `${q.method} ${q.path}`).join(", "),
        );
        assert(!textOf(r).includes(secret), "the error must not carry the secret");
      } finally {
        token.secret = secret;
      }
      await assertHealthy(srv, sim, "the token was restored");
    });

    await t.step("privilege removed: 403 naming the path and privilege, not retried", async () => {
      const n = [...sim.state.nodes.values()].find((x) => x.online)!;
      const acl = token.acl;
      // Everything but Sys.Audit: /nodes/{node}/status needs exactly that.
      const { "Sys.Audit": _dropped, ...rest } = acl["/"];
      token.acl = { "/": rest };
      try {
        const { result: r, reqs } = await during(
          sim,
          () => call(srv, "get_node_status", { node: n.name }),
        );
        assert(r.isError);
        assertActionable(textOf(r), ["Sys.Audit", `/nodes/${n.name}`, "pveum acl"], "403");
        const status = reqs.filter((q) => q.path === `/nodes/${n.name}/status`);
        assertEquals(status.map((q) => q.status), [403], "a 403 is never retried");
        // The server may re-read its permission snapshot after a 403: nothing else.
        const others = reqs.filter((q) => !status.includes(q));
        assert(
          others.every((q) => q.method === "GET" && q.path === "/access/permissions"),
          others.map((q) => `${q.method} ${q.path}`).join(", "),
        );
      } finally {
        token.acl = acl;
      }
      const ok = await call(srv, "get_node_status", { node: n.name });
      assert(!ok.isError, `privilege restored: ${textOf(ok)}`);
    });
  });
});

Deno.test("faults: PVE unreachable at start and mid-session, then back on the same port", async (t) => {
  // A port that was just free: start a simulator to learn one, then close it.
  const probe = await startSimulator();
  const port = probe.port;
  const caFile = probe.caFile;
  const caPem = await Deno.readTextFile(caFile);
  await probe.close();
  const dir = await Deno.makeTempDir({ prefix: "pmcp-unreach-" });
  const ca = `${dir}/ca.pem`;
  await Deno.writeTextFile(ca, caPem);
  const token = ownToken();
  const doc = {
    proxmox: { host: "127.0.0.1", port, verify_ssl: true, ca_file: ca, timeout_ms: TIMEOUT_MS },
    auth: { user: token.user, token_name: token.tokenid, token_value: token.secret },
    logging: { level: "DEBUG" },
  };
  const srv = await startServer({ rawConfig: doc });
  let sim: Simulator | undefined;
  try {
    await t.step(
      "nothing listening at start: the server starts and every tool says why",
      async () => {
        const { tools } = await srv.client.listTools();
        assert(tools.length >= 6, "tools are listed without reaching PVE");
        const r = await call(srv, "get_nodes");
        assert(r.isError);
        assertActionable(
          textOf(r),
          ["cannot reach PVE", `127.0.0.1:${port}`, "proxmox.port"],
          "down",
        );
      },
    );

    await t.step("PVE comes up on that port: the next call is correct", async () => {
      sim = await startSimulator({ cluster: demoCluster(), tokens: [token], port });
      await assertHealthy(srv, sim, "PVE came up");
    });

    await t.step("PVE goes away mid-session, comes back: error, then correct again", async () => {
      await sim!.close();
      const r = await call(srv, "get_cluster_status");
      assert(r.isError);
      assertActionable(textOf(r), ["cannot reach PVE"], "gone mid-session");
      sim = await startSimulator({ cluster: demoCluster(), tokens: [token], port });
      await assertHealthy(srv, sim, "PVE came back");
      assertInTemplates(sim.requests);
    });
  } finally {
    await srv.close();
    await sim?.close();
    await Deno.remove(dir, { recursive: true });
  }
});
