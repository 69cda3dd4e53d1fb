// JSON-RPC messages are read field by field; typing each shape adds nothing.
// deno-lint-ignore-file no-explicit-any
/**
 * Modern-era list changes: a client holding a `subscriptions/listen` stream
 * (HTTP SSE, or the stdio connection) hears `notifications/tools/list_changed`
 * when the PVE token's privileges change, and the next tools/list shows the
 * newly usable tools. Raw JSON-RPC against the real server process.
 */

import { assert } from "../support/assert.ts";
import { configFor } from "../support/harness.ts";
import { startHttpProcess } from "../support/http_harness.ts";
import { spawnRaw } from "../robustness/raw_stdio.ts";
import { demoCluster, startSimulator, tokenWithRole } from "../../src/simulator/mod.ts";
import { envelope, httpCall, MODERN, stdioCall } from "../support/modern.ts";

const LISTEN = { notifications: { toolsListChanged: true } };

/** Opens a listen stream over HTTP; resolves with a reader of its SSE messages. */
async function listenHttp(url: string) {
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json, text/event-stream",
      "MCP-Protocol-Version": MODERN,
      "Mcp-Method": "subscriptions/listen",
    },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 99,
      method: "subscriptions/listen",
      params: { ...LISTEN, _meta: envelope() },
    }),
  });
  assert(res.ok && res.body, `listen answered ${res.status}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  const seen: any[] = [];
  let buf = "";
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: "", done: true }));
      if (done) return;
      buf += value;
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line.startsWith("data: ") && line.length > 7) seen.push(JSON.parse(line.slice(6)));
      }
    }
  })();
  return { seen, close: async () => (await reader.cancel().catch(() => {}), await pump) };
}

async function until(what: string, ok: () => boolean, ms = 8_000) {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const grant = (token: ReturnType<typeof tokenWithRole>) => {
  token.acl["/vms"] = { "VM.PowerMgmt": 0, "VM.Audit": 0 };
};

Deno.test("modern HTTP: subscriptions/listen carries toolsListChanged on a privilege change", async () => {
  const token = tokenWithRole("PVEAuditor");
  const sim = await startSimulator({ cluster: demoCluster(), tokens: [token] });
  const srv = await startHttpProcess({
    config: configFor(sim, token, {
      logging: { level: "WARNING" },
      tools: { permissions_refresh_s: 1 },
    }),
  });
  try {
    const first = await httpCall(srv.url, undefined, "tools/list", {});
    const names = first.message.result.tools.map((t: any) => t.name);
    assert(!names.includes("guest_power"), "an auditor token is not offered guest_power");
    const listen = await listenHttp(srv.url);
    try {
      await until("the acknowledgement", () => listen.seen.length > 0);
      assert(
        /subscriptions\/acknowledged/.test(listen.seen[0].method),
        JSON.stringify(listen.seen),
      );
      grant(token);
      await until(
        "list_changed",
        () => listen.seen.some((m) => m.method === "notifications/tools/list_changed"),
      );
      const after = await httpCall(srv.url, undefined, "tools/list", {});
      assert(after.message.result.tools.some((t: any) => t.name === "guest_power"));
    } finally {
      await listen.close();
    }
  } finally {
    await srv.close();
    await sim.close();
  }
});

Deno.test("modern stdio: the listen subscription hears toolsListChanged", async () => {
  const token = tokenWithRole("PVEAuditor");
  const sim = await startSimulator({ cluster: demoCluster(), tokens: [token] });
  const dir = await Deno.makeTempDir();
  const configPath = `${dir}/config.json`;
  await Deno.writeTextFile(
    configPath,
    JSON.stringify(configFor(sim, token, { tools: { permissions_refresh_s: 1 } })),
  );
  const srv = spawnRaw({ configPath });
  try {
    const first = await stdioCall(srv, "tools/list", {});
    assert(!first.result.tools.some((t: any) => t.name === "guest_power"));
    // The listen request stays open; its notifications arrive on stdout.
    const listening = stdioCall(srv, "subscriptions/listen", LISTEN).catch(() => undefined);
    await until(
      "the acknowledgement",
      () => srv.messages().some((m) => /subscriptions\/acknowledged/.test(m.method ?? "")),
    );
    grant(token);
    await until(
      "list_changed",
      () => srv.messages().some((m) => m.method === "notifications/tools/list_changed"),
    );
    const after = await stdioCall(srv, "tools/list", {});
    assert(after.result.tools.some((t: any) => t.name === "guest_power"));
    void listening;
  } finally {
    await srv.close();
    await sim.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
