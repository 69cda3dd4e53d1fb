/**
 * Several clusters in one server: two simulators, one MCP session over
 * Streamable HTTP, the `cluster` argument choosing which one answers, and the
 * cluster's name on every result and list item. Plus `check` on each and the
 * single-cluster form left exactly as it was.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { call, configFor, runCli, startServer, textOf } from "../support/harness.ts";
import { connectHttp, startHttpProcess } from "../support/http_harness.ts";
import {
  buildCluster,
  DEMO_TOKEN,
  demoCluster,
  type Simulator,
  startSimulator,
} from "../../src/simulator/mod.ts";
import { assertRequestsValid } from "../support/schema_check.ts";
import type { CallToolResult } from "../support/sdk_client.ts";

const TOKEN = "cluster-test-token-0123456789";

function clusterEntry(sim: Simulator) {
  const { proxmox, auth } = configFor(sim);
  return { proxmox, auth };
}

function twoClusterConfig(alpha: Simulator, beta: Simulator) {
  return {
    clusters: { alpha: clusterEntry(alpha), beta: clusterEntry(beta) },
    logging: { level: "INFO" },
    http: { tokens: [{ name: "ops", token: TOKEN }] },
  };
}

Deno.test("two clusters addressed in one HTTP session", async (t) => {
  const alpha = await startSimulator({ cluster: demoCluster() });
  const beta = await startSimulator({ cluster: buildCluster({ nodes: 5, guests: 40, seed: 7 }) });
  const srv = await startHttpProcess({ config: twoClusterConfig(alpha, beta) });
  const client = await connectHttp(srv.url, TOKEN);
  const callIn = async (name: string, args: Record<string, unknown> = {}) =>
    await client.callTool({ name, arguments: args }) as CallToolResult;
  try {
    await t.step("every tool takes an optional cluster and declares cluster output", async () => {
      const { tools } = await client.listTools();
      assert(tools.length >= 6);
      for (const tool of tools) {
        const prop = tool.inputSchema.properties?.cluster as { enum?: string[] } | undefined;
        assertEquals(prop?.enum, ["alpha", "beta"], tool.name);
        assert(!(tool.inputSchema.required ?? []).includes("cluster"), tool.name);
        assert(tool.outputSchema?.properties?.cluster, `${tool.name} declares cluster`);
      }
    });

    await t.step("no cluster: the first (default) cluster answers", async () => {
      const [a0, b0] = [alpha.requests.length, beta.requests.length];
      const r = await callIn("get_nodes");
      assert(!r.isError, textOf(r));
      const out = r.structuredContent as { cluster: string; nodes: Array<Record<string, unknown>> };
      assertEquals(out.cluster, "alpha");
      assertEquals(out.nodes.map((n) => n.node).sort(), [...alpha.state.nodes.keys()].sort());
      for (const n of out.nodes) assertEquals(n.cluster, "alpha");
      assertEquals(alpha.requests.length - a0, 1);
      assertEquals(beta.requests.length - b0, 0);
      assertStringIncludes(textOf(r), "[cluster alpha]");
    });

    await t.step("cluster: beta goes to the other cluster, items say so", async () => {
      const [a0, b0] = [alpha.requests.length, beta.requests.length];
      const nodes = await callIn("get_nodes", { cluster: "beta" });
      assert(!nodes.isError, textOf(nodes));
      const out = nodes.structuredContent as { cluster: string; nodes: Array<{ node: string }> };
      assertEquals(out.cluster, "beta");
      assertEquals(out.nodes.map((n) => n.node).sort(), [...beta.state.nodes.keys()].sort());
      const vms = await callIn("get_vms", { cluster: "beta", limit: 1000 });
      assert(!vms.isError, textOf(vms));
      const list = vms.structuredContent as {
        total: number;
        cluster: string;
        [k: string]: unknown;
      };
      assertEquals(list.total, beta.state.guests.size, "every guest of beta, VMs and containers");
      const items = Object.values(list).find(Array.isArray) as Array<{ cluster: string }>;
      assert(items.length > 0 && items.every((i) => i.cluster === "beta"));
      assertEquals(alpha.requests.length - a0, 0);
      assert(beta.requests.length - b0 >= 2);
      assertRequestsValid(beta.requests);
    });

    await t.step("a tool with its own cluster field keeps it; its items are stamped", async () => {
      const r = await callIn("get_cluster_status", { cluster: "beta" });
      assert(!r.isError, textOf(r));
      const out = r.structuredContent as {
        cluster: { nodes_total: number };
        nodes: Array<{ cluster: string }>;
      };
      assertEquals(out.cluster.nodes_total, beta.state.nodes.size);
      assert(out.nodes.every((n) => n.cluster === "beta"));
    });

    await t.step("an unknown cluster is refused, naming the choices", async () => {
      const before = alpha.requests.length + beta.requests.length;
      const r = await callIn("get_nodes", { cluster: "gamma" });
      assert(r.isError);
      assertStringIncludes(textOf(r), "alpha");
      assertStringIncludes(textOf(r), "beta");
      assertEquals(alpha.requests.length + beta.requests.length, before);
    });
  } finally {
    await client.close();
    await srv.close();
    await alpha.close();
    await beta.close();
  }
});

Deno.test("check checks each cluster, call takes cluster, bad config leaks no token", async () => {
  const alpha = await startSimulator({ cluster: demoCluster() });
  const beta = await startSimulator({ cluster: buildCluster({ nodes: 3, guests: 5 }) });
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/c.json`;
    await Deno.writeTextFile(path, JSON.stringify(twoClusterConfig(alpha, beta)));
    const ok = await runCli(["check", "--config", path]);
    assertEquals(ok.code, 0, ok.stderr);
    assertStringIncludes(ok.stdout, "== cluster alpha ==");
    assertStringIncludes(ok.stdout, "== cluster beta ==");
    assertStringIncludes(ok.stdout, `${alpha.hostname}:${alpha.port}`);
    assertStringIncludes(ok.stdout, `${beta.hostname}:${beta.port}`);

    const viaCli = await runCli([
      "call",
      "get_nodes",
      "--json",
      "--config",
      path,
      "--args",
      '{"cluster":"beta"}',
    ]);
    assertEquals(viaCli.code, 0, viaCli.stderr);
    const out = JSON.parse(viaCli.stdout);
    assertEquals(out.cluster, "beta");
    assertEquals(out.nodes.length, beta.state.nodes.size);

    const bad = twoClusterConfig(alpha, beta) as Record<string, unknown>;
    bad.clusters = { Alpha: clusterEntry(alpha) };
    bad.default_cluster = "prod";
    await Deno.writeTextFile(path, JSON.stringify(bad));
    const r = await runCli(["check", "--config", path]);
    assertEquals(r.code, 3);
    assertStringIncludes(r.stderr, 'the name "Alpha" is not allowed');
    assertStringIncludes(r.stderr, "default_cluster");
    assert(!r.stderr.includes(DEMO_TOKEN.secret), r.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await alpha.close();
    await beta.close();
  }
});

Deno.test("one cluster: no cluster argument, results unchanged", async () => {
  const sim = await startSimulator({ cluster: demoCluster() });
  const srv = await startServer({ sim });
  try {
    const { tools } = await srv.client.listTools();
    for (const tool of tools) {
      assert(!tool.inputSchema.properties?.cluster, tool.name);
      if (tool.name !== "get_cluster_status") {
        assert(!tool.outputSchema?.properties?.cluster, tool.name);
      }
    }
    const r = await call(srv, "get_nodes");
    assertEquals("cluster" in (r.structuredContent ?? {}), false);
    assert(!textOf(r).includes("[cluster"));
  } finally {
    await srv.close();
    await sim.close();
  }
});
