/**
 * The Streamable HTTP transport end to end: real server processes, the SDK's
 * Streamable HTTP client (and raw requests where the SDK would hide the
 * status), the simulator behind.
 */

import { assert, assertEquals, assertStringIncludes } from "../support/assert.ts";
import { configFor, runCli, startServer, textOf } from "../support/harness.ts";
import {
  connectHttp,
  firstMessage,
  type HttpProcess,
  rawPost,
  startHttpProcess,
  toolCall,
} from "../support/http_harness.ts";
import { DEMO_TOKEN, demoCluster, startSimulator } from "../../src/simulator/mod.ts";
import { assertRequestsValid } from "../support/schema_check.ts";
import type { CallToolResult } from "../support/sdk_client.ts";

const ADMIN = "admin-token-0123456789abcdef";
const VIEWER = "viewer-token-0123456789abcdef";
const ALLOWED_ORIGIN = "https://console.example";

function httpSection(extra: Record<string, unknown> = {}) {
  return {
    tokens: [
      { name: "admin", token: ADMIN },
      { name: "viewer", token: VIEWER, read_only: true },
    ],
    allowed_origins: [ALLOWED_ORIGIN],
    max_body_bytes: 65536,
    max_concurrency_per_token: 2,
    ...extra,
  };
}

const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

Deno.test("HTTP transport: auth, guards, limits, scopes", async (t) => {
  const sim = await startSimulator({ cluster: demoCluster() });
  let srv: HttpProcess | undefined;
  try {
    srv = await startHttpProcess({ config: configFor(sim, DEMO_TOKEN, { http: httpSection() }) });
    const s = srv;

    await t.step(
      "/healthz answers without a token, shows no secret, calls no cluster",
      async () => {
        const before = sim.requests.length;
        const res = await fetch(`${s.base}/healthz`);
        const text = await res.text();
        assertEquals(res.status, 200);
        assertEquals(JSON.parse(text).status, "ok");
        for (const secret of [ADMIN, VIEWER, DEMO_TOKEN.secret, String(sim.port)]) {
          assert(!text.includes(secret), `healthz shows ${secret}`);
        }
        assertEquals(sim.requests.length, before);
      },
    );

    await t.step("an authenticated SDK client lists and calls tools", async () => {
      const client = await connectHttp(s.url, ADMIN);
      try {
        const { tools } = await client.listTools();
        assert(tools.some((x) => x.name === "get_nodes"));
        const before = sim.requests.length;
        const r = await client.callTool({ name: "get_nodes", arguments: {} }) as CallToolResult;
        assert(!r.isError, textOf(r));
        const out = r.structuredContent as { nodes: Array<{ node: string }> };
        assertEquals(
          out.nodes.map((n) => n.node).sort(),
          [...sim.state.nodes.keys()].sort(),
        );
        assertEquals(sim.requests.slice(before).map((q) => `${q.method} ${q.path}`), [
          "GET /nodes",
        ]);
        assertRequestsValid(sim.requests);
      } finally {
        await client.close();
      }
    });

    await t.step("missing or wrong token: 401 with WWW-Authenticate, nothing runs", async () => {
      const before = sim.requests.length;
      const none = await rawPost(s.url, toolCall("get_nodes"));
      assertEquals(none.status, 401);
      assertStringIncludes(none.headers.get("www-authenticate") ?? "", "Bearer");
      assertStringIncludes(await none.text(), "Authorization: Bearer");
      const wrong = await rawPost(s.url, toolCall("get_nodes"), bearer(ADMIN.replace("a", "b")));
      assertEquals(wrong.status, 401);
      assertStringIncludes(wrong.headers.get("www-authenticate") ?? "", 'error="invalid_token"');
      await wrong.body?.cancel();
      const malformed = await rawPost(s.url, toolCall("get_nodes"), { Authorization: ADMIN });
      assertEquals(malformed.status, 401);
      await malformed.body?.cancel();
      assertEquals(sim.requests.length, before);
      let refused = false;
      await connectHttp(s.url).then((c) => c.close(), () => (refused = true));
      assert(refused, "the SDK client connected without a token");
    });

    await t.step("wrong Origin: 403; an allowed Origin gets CORS headers", async () => {
      const bad = await rawPost(s.url, toolCall("get_nodes"), {
        ...bearer(ADMIN),
        Origin: "https://evil.example",
      });
      assertEquals(bad.status, 403);
      assertStringIncludes(await bad.text(), "allowed_origins");
      const good = await rawPost(s.url, toolCall("get_nodes"), {
        ...bearer(ADMIN),
        Origin: ALLOWED_ORIGIN,
      });
      assertEquals(good.status, 200);
      assertEquals(good.headers.get("access-control-allow-origin"), ALLOWED_ORIGIN);
      const msg = await firstMessage(good);
      assert(msg.result, JSON.stringify(msg));
      const pre = await fetch(s.url, { method: "OPTIONS", headers: { Origin: ALLOWED_ORIGIN } });
      assertEquals(pre.status, 204);
      assertStringIncludes(pre.headers.get("access-control-allow-headers") ?? "", "Mcp-Session-Id");
    });

    await t.step("oversized body: 413, declared or streamed", async () => {
      const big = JSON.stringify({ ...toolCall("get_nodes"), pad: "x".repeat(70_000) });
      const declared = await rawPost(s.url, big, bearer(ADMIN));
      assertEquals(declared.status, 413);
      assertStringIncludes(await declared.text(), "max_body_bytes");
      const bytes = new TextEncoder().encode(big);
      const streamed = await fetch(s.url, {
        method: "POST",
        headers: {
          ...bearer(ADMIN),
          "Content-Type": "application/json",
          Accept: "application/json, text/event-stream",
        },
        body: new ReadableStream({
          start(c) {
            for (let i = 0; i < bytes.length; i += 8192) c.enqueue(bytes.slice(i, i + 8192));
            c.close();
          },
        }),
      });
      assertEquals(streamed.status, 413);
      await streamed.body?.cancel();
    });

    await t.step("more requests in flight than the token's limit: 429", async () => {
      sim.setLatency(800);
      try {
        const calls = [1, 2, 3].map((id) =>
          rawPost(s.url, toolCall("get_nodes", {}, id), bearer(ADMIN))
        );
        const results = await Promise.all(calls);
        const statuses = results.map((r) => r.status).sort();
        assertEquals(statuses, [200, 200, 429]);
        const limited = results.find((r) => r.status === 429)!;
        assertEquals(limited.headers.get("retry-after"), "1");
        assertStringIncludes(await limited.text(), "max_concurrency_per_token");
        for (const r of results.filter((x) => x.status === 200)) {
          assert((await firstMessage(r)).result);
        }
        // Another token has its own budget, and finished calls free their slots.
        const other = await rawPost(s.url, toolCall("get_nodes", {}, 9), bearer(VIEWER));
        assertEquals(other.status, 200);
        await other.body?.cancel();
      } finally {
        sim.setLatency(0);
      }
      const again = await rawPost(s.url, toolCall("get_nodes"), bearer(ADMIN));
      assertEquals(again.status, 200);
      await again.body?.cancel();
    });

    await t.step("a read-only token sees and runs only read-only tools", async () => {
      const admin = await connectHttp(s.url, ADMIN);
      const viewer = await connectHttp(s.url, VIEWER);
      try {
        const all = (await admin.listTools()).tools;
        const ro = (await viewer.listTools()).tools;
        assert(ro.length > 0);
        for (const tool of ro) assertEquals(tool.annotations?.readOnlyHint, true, tool.name);
        const expected = all.filter((x) => x.annotations?.readOnlyHint === true).map((x) => x.name);
        assertEquals(ro.map((x) => x.name).sort(), expected.sort());
        const mutating = all.find((x) => x.annotations?.readOnlyHint !== true);
        if (mutating) {
          const r = await viewer.callTool({ name: mutating.name, arguments: {} }).then(
            (x) => x as CallToolResult,
            (e: Error) => ({ isError: true, content: [{ type: "text", text: e.message }] }),
          );
          assert(r.isError, `viewer ran ${mutating.name}`);
        }
      } finally {
        await admin.close();
        await viewer.close();
      }
    });

    await t.step("GET on a stateless server is 405; other paths 404", async () => {
      const get = await fetch(s.url, {
        headers: { ...bearer(ADMIN), Accept: "text/event-stream" },
      });
      assertEquals(get.status, 405);
      await get.body?.cancel();
      const other = await fetch(`${s.base}/admin`);
      assertEquals(other.status, 404);
      await other.body?.cancel();
    });

    await t.step(
      "healthcheck command: 0 when /healthz answers, 1 when nothing listens",
      async () => {
        const up = await runCli(["healthcheck", `${s.base}/healthz`]);
        assertEquals(up.code, 0, up.stderr);
        assertStringIncludes(up.stdout, '"status":"ok"');
        const down = await runCli(["healthcheck", "http://127.0.0.1:9/healthz"]);
        assertEquals(down.code, 1);
        assertStringIncludes(down.stderr, "unhealthy");
      },
    );

    await t.step("no token value ever reaches the server's log", () => {
      const log = s.stderr();
      assertStringIncludes(log, "http authentication failed");
      for (const secret of [ADMIN, VIEWER, DEMO_TOKEN.secret]) assert(!log.includes(secret));
    });
  } finally {
    await srv?.close();
    await sim.close();
  }
});

Deno.test("HTTP transport: a public address without any token is refused", async () => {
  const sim = await startSimulator({ cluster: demoCluster() });
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/c.json`;
    await Deno.writeTextFile(path, JSON.stringify(configFor(sim)));
    const r = await runCli(["--config", path, "serve", "--http", "0.0.0.0:0"]);
    assertEquals(r.code, 3);
    assertStringIncludes(r.stderr, "no bearer token is configured");
    assertStringIncludes(r.stderr, "PROXMOX_MCP_HTTP_TOKEN");
    const bad = await runCli(["--config", path, "serve", "--http", "localhost"]);
    assertEquals(bad.code, 2);
    assertStringIncludes(bad.stderr, "has no port");
  } finally {
    await Deno.remove(dir, { recursive: true });
    await sim.close();
  }
});

Deno.test("HTTP transport: PROXMOX_MCP_HTTP_TOKEN alone protects the server", async () => {
  const sim = await startSimulator({ cluster: demoCluster() });
  const token = "env-token-0123456789abcdef";
  const srv = await startHttpProcess({
    config: configFor(sim),
    env: { PROXMOX_MCP_HTTP_TOKEN: token },
  });
  try {
    assertEquals((await rawPost(srv.url, toolCall("get_nodes"))).status, 401);
    const client = await connectHttp(srv.url, token);
    const r = await client.callTool({ name: "get_nodes", arguments: {} }) as CallToolResult;
    assert(!r.isError, textOf(r));
    await client.close();
    assert(!srv.stderr().includes(token));
  } finally {
    await srv.close();
    await sim.close();
  }
});

/** A loopback proxy that sends each request to the next backend in turn. */
function roundRobin(backends: string[]) {
  const hits = backends.map(() => 0);
  let next = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const i = next++ % backends.length;
    hits[i]++;
    const url = new URL(req.url);
    const headers = new Headers(req.headers);
    headers.delete("host");
    return fetch(`${backends[i]}${url.pathname}`, {
      method: req.method,
      headers,
      body: req.body,
    });
  });
  return { url: `http://127.0.0.1:${server.addr.port}/mcp`, hits, close: () => server.shutdown() };
}

Deno.test("HTTP transport: stateless replicas answer one client alternately", async () => {
  const sim = await startSimulator({ cluster: demoCluster() });
  const config = configFor(sim, DEMO_TOKEN, {
    http: httpSection({ max_concurrency_per_token: 8 }),
  });
  const [a, b] = await Promise.all([startHttpProcess({ config }), startHttpProcess({ config })]);
  const proxy = roundRobin([a.base, b.base]);
  try {
    const client = await connectHttp(proxy.url, ADMIN);
    for (let i = 0; i < 4; i++) {
      const r = await client.callTool({ name: "get_vms", arguments: {} }) as CallToolResult;
      assert(!r.isError, textOf(r));
      const out = r.structuredContent as { total: number };
      assertEquals(out.total, sim.state.guests.size);
    }
    await client.close();
    // initialize, initialized, (GET 405), 4 calls: both replicas answered several.
    assert(proxy.hits[0] >= 3 && proxy.hits[1] >= 3, `hits ${proxy.hits}`);
  } finally {
    await proxy.close();
    await a.close();
    await b.close();
    await sim.close();
  }
});

Deno.test("HTTP transport: stateful sessions belong to their token", async () => {
  const sim = await startSimulator({ cluster: demoCluster() });
  const srv = await startHttpProcess({
    config: configFor(sim, DEMO_TOKEN, { http: httpSection({ stateless: false }) }),
  });
  try {
    const client = await connectHttp(srv.url, ADMIN);
    // deno-lint-ignore no-explicit-any
    const sessionId = (client.transport as any).sessionId as string;
    assert(sessionId && sessionId.length >= 32, "a session id was issued");
    const r = await client.callTool({ name: "get_nodes", arguments: {} }) as CallToolResult;
    assert(!r.isError, textOf(r));
    const headers = { "Mcp-Session-Id": sessionId, "Mcp-Protocol-Version": "2025-11-25" };
    const stolen = await rawPost(srv.url, toolCall("get_nodes", {}, 5), {
      ...headers,
      ...bearer(VIEWER),
    });
    assertEquals(stolen.status, 404);
    await stolen.body?.cancel();
    const own = await rawPost(srv.url, toolCall("get_nodes", {}, 6), {
      ...headers,
      ...bearer(ADMIN),
    });
    assertEquals(own.status, 200);
    const sse = await own.text();
    assert(sse.includes('"result"'), sse);
    // Resumability: the stream starts with a priming event id; reconnecting after it replays
    // the answer the client would have missed.
    const primingId = /^id: (\S+)\ndata: \n/m.exec(sse)?.[1];
    assert(primingId, `no priming event in:\n${sse}`);
    const resumed = await fetch(srv.url, {
      headers: {
        ...headers,
        ...bearer(ADMIN),
        Accept: "text/event-stream",
        "Last-Event-ID": primingId,
      },
    });
    assertEquals(resumed.status, 200);
    const reader = resumed.body!.pipeThrough(new TextDecoderStream()).getReader();
    let replayed = "";
    while (!replayed.includes('"id":6')) {
      const { value, done } = await reader.read();
      if (done) break;
      replayed += value;
    }
    await reader.cancel();
    assert(replayed.includes('"result"') && replayed.includes('"id":6'), replayed);
    // deno-lint-ignore no-explicit-any
    await (client.transport as any).terminateSession();
    await client.close();
    const gone = await rawPost(srv.url, toolCall("get_nodes", {}, 7), {
      ...headers,
      ...bearer(ADMIN),
    });
    assertEquals(gone.status, 404);
    await gone.body?.cancel();
  } finally {
    await srv.close();
    await sim.close();
  }
});

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

Deno.test("HTTP transport: latency overhead against stdio (measured, reported)", async () => {
  const sim = await startSimulator({ cluster: demoCluster() });
  const config = configFor(sim, DEMO_TOKEN, {
    http: httpSection({ max_concurrency_per_token: 8 }),
  });
  const stdio = await startServer({ sim, config: { logging: { level: "WARNING" } } });
  const http = await startHttpProcess({
    config: { ...config, logging: { level: "WARNING" } },
  });
  const stateful = await startHttpProcess({
    config: {
      ...config,
      http: httpSection({ stateless: false }),
      logging: { level: "WARNING" },
    },
  });
  const client = await connectHttp(http.url, ADMIN);
  const session = await connectHttp(stateful.url, ADMIN);
  try {
    const time = async (fn: () => Promise<unknown>) => {
      for (let i = 0; i < 5; i++) await fn(); // warm up
      const out: number[] = [];
      for (let i = 0; i < 40; i++) {
        const t0 = performance.now();
        await fn();
        out.push(performance.now() - t0);
      }
      return median(out);
    };
    const args = { name: "get_nodes", arguments: {} };
    const viaStdio = await time(() => stdio.client.callTool(args));
    const viaHttp = await time(() => client.callTool(args));
    const viaSession = await time(() => session.callTool(args));
    console.log(
      `get_nodes median over 40 calls: stdio ${viaStdio.toFixed(2)} ms, ` +
        `HTTP stateless ${viaHttp.toFixed(2)} ms (overhead ${
          (viaHttp - viaStdio).toFixed(2)
        } ms), ` +
        `HTTP stateful ${viaSession.toFixed(2)} ms (overhead ${
          (viaSession - viaStdio).toFixed(2)
        } ms)`,
    );
    // Generous: only a pathological regression (e.g. a per-request cold start) fails this.
    assert(viaHttp < viaStdio + 100, `HTTP ${viaHttp} ms vs stdio ${viaStdio} ms`);
  } finally {
    await client.close();
    await session.close();
    await http.close();
    await stateful.close();
    await stdio.close();
    await sim.close();
  }
});
