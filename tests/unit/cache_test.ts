/**
 * The read cache alone (fake clock) and inside the PVE client (fake transport):
 * hits, expiry, idle emptying, invalidation by mutations, volatile endpoints.
 */

import { assert, assertEquals, assertRejects } from "../support/assert.ts";
import { isCacheable, ReadCache } from "../../src/proxmox/cache.ts";
import { PveClient } from "../../src/proxmox/client.ts";
import { PveError } from "../../src/proxmox/errors.ts";
import { CacheSchema } from "../../src/config/schema.ts";
import { parseConfigText } from "../../src/config/load.ts";
import type {
  Transport,
  TransportRequest,
  TransportResponse,
} from "../../src/proxmox/transport.ts";

const ok = (data: unknown): TransportResponse => ({
  status: 200,
  statusText: "OK",
  body: JSON.stringify({ data }),
});

/** Answers every request with `answer(req, n)` and records it. */
function transport(answer: (r: TransportRequest, n: number) => Promise<TransportResponse>) {
  const seen: TransportRequest[] = [];
  const t: Transport & { seen: TransportRequest[] } = {
    seen,
    send(req) {
      seen.push(req);
      return answer(req, seen.length);
    },
    close() {},
  };
  return t;
}

/** A transport whose GET answers count up, so a cached answer is recognisable. */
const counting = () => transport((_r, n) => Promise.resolve(ok([{ n }])));

function client(t: Transport, cache?: ReadCache) {
  return new PveClient({
    baseUrl: "https://pve.lan:8006",
    tokenId: "mcp@pve!mcp",
    secret: "0f9e8d7c-6b5a-4321-8fed-cba987654321",
    transport: t,
    timeoutMs: 5000,
    backoffMs: 1,
    retries: 0,
    cache,
  });
}

const on = (extra: Partial<ConstructorParameters<typeof ReadCache>[0]> = {}) =>
  new ReadCache({ enabled: true, ttlMs: 2000, ...extra });

Deno.test("ReadCache: entries expire after ttl_ms", () => {
  let now = 0;
  const c = on({ acrossCalls: true, now: () => now });
  c.store("/nodes", "/nodes", "A", c.generation);
  now = 1999;
  assertEquals(c.lookup("/nodes", "/nodes"), "A");
  now = 2000;
  assertEquals(c.lookup("/nodes", "/nodes"), undefined);
});

Deno.test("ReadCache: by default it only lives while tool calls run, and empties when idle", () => {
  const c = on();
  c.store("/nodes", "/nodes", "idle", c.generation);
  assertEquals(c.lookup("/nodes", "/nodes"), undefined, "nothing is kept outside tool calls");
  const leaveA = c.enterCall();
  const leaveB = c.enterCall();
  c.store("/nodes", "/nodes", "A", c.generation);
  leaveA();
  assertEquals(c.lookup("/nodes", "/nodes"), "A", "an overlapping call still sees it");
  leaveB();
  leaveB(); // leaving twice must not unbalance the count
  const leaveC = c.enterCall();
  assertEquals(c.lookup("/nodes", "/nodes"), undefined, "the idle moment emptied the cache");
  leaveC();
});

Deno.test("ReadCache: an answer fetched before an invalidation is not stored", () => {
  const c = on({ acrossCalls: true });
  const gen = c.generation;
  c.invalidate();
  c.store("/nodes", "/nodes", "stale", gen);
  assertEquals(c.lookup("/nodes", "/nodes"), undefined);
});

Deno.test("ReadCache: polled endpoints are never cached; disabled or ttl 0 caches nothing", () => {
  for (
    const t of [
      "/nodes/{node}/tasks/{upid}/status",
      "/nodes/{node}/tasks/{upid}/log",
      "/cluster/tasks",
      "/nodes/{node}/qemu/{vmid}/status/current",
      "/nodes/{node}/lxc/{vmid}/status/current",
      "/nodes/{node}/qemu/{vmid}/agent/exec-status",
      "/cluster/ha/status/current",
    ]
  ) assert(!isCacheable(t), t);
  for (const t of ["/cluster/resources", "/nodes", "/nodes/{node}/qemu/{vmid}/config"]) {
    assert(isCacheable(t), t);
  }
  for (
    const c of [on({ enabled: false, acrossCalls: true }), on({ ttlMs: 0, acrossCalls: true })]
  ) {
    c.store("/nodes", "/nodes", "A", c.generation);
    assertEquals(c.lookup("/nodes", "/nodes"), undefined);
    assertEquals(c.enabled, false);
  }
});

Deno.test("ReadCache: the oldest entries go first beyond maxEntries", () => {
  const c = on({ acrossCalls: true, maxEntries: 2 });
  for (const k of ["/a", "/b", "/c"]) c.store("/nodes", k, k, c.generation);
  assertEquals([c.lookup("/nodes", "/a"), c.lookup("/nodes", "/b")], [undefined, "/b"]);
  assertEquals(c.size, 2);
});

Deno.test("client: a repeated GET inside one tool call costs one request", async () => {
  const t = counting();
  const pve = client(t, on());
  const [a, b] = await pve.withCall(async () => [await pve.get("/nodes"), await pve.get("/nodes")]);
  assertEquals(t.seen.length, 1);
  assertEquals(a, b);
  assertEquals(pve.stats.cached, 1);
  // Different query, different entry.
  await pve.withCall(() => pve.get("/cluster/resources", { type: "vm" }));
  await pve.withCall(() => pve.get("/cluster/resources", { type: "storage" }));
  assertEquals(t.seen.length, 3);
});

Deno.test("client: every hit is the caller's own copy", async () => {
  const pve = client(counting(), on());
  await pve.withCall(async () => {
    const first = await pve.get<Array<{ n: number }>>("/nodes");
    first[0].n = 99; // a tool that edits what it got must not change what others read
    first.push({ n: 100 });
    const second = await pve.get<Array<{ n: number }>>("/nodes");
    second[0].n = 98;
    assertEquals(await pve.get("/nodes"), [{ n: 1 }]);
  });
});

Deno.test("client: sequential tool calls read fresh data unless across_calls is on", async () => {
  const t = counting();
  const pve = client(t, on());
  assertEquals(await pve.withCall(() => pve.get("/nodes")), [{ n: 1 }]);
  assertEquals(await pve.withCall(() => pve.get("/nodes")), [{ n: 2 }]);
  const t2 = counting();
  const keep = client(t2, on({ acrossCalls: true }));
  await keep.withCall(() => keep.get("/nodes"));
  assertEquals(await keep.withCall(() => keep.get("/nodes")), [{ n: 1 }]);
  assertEquals(t2.seen.length, 1);
});

Deno.test("client: any mutation invalidates, success or failure", async () => {
  const t = transport((r, n) =>
    Promise.resolve(
      r.method === "GET"
        ? ok([{ n }])
        : r.url.includes("/101/")
        ? { status: 500, statusText: "VM 101 not running", body: "" }
        : ok("UPID:pve1:0000A1B2:0012F3C4:6745A0B1:qmstart:100:mcp@pve!mcp:"),
    )
  );
  const pve = client(t, on({ acrossCalls: true }));
  await pve.get("/cluster/resources", { type: "vm" });
  await pve.post("/nodes/{node}/qemu/{vmid}/status/start", { node: "pve1", vmid: 100 });
  await pve.get("/cluster/resources", { type: "vm" });
  await assertRejects(
    () => pve.post("/nodes/{node}/qemu/{vmid}/status/reset", { node: "pve1", vmid: 101 }),
    PveError,
  );
  await pve.get("/cluster/resources", { type: "vm" });
  assertEquals(t.seen.map((r) => r.method), ["GET", "POST", "GET", "POST", "GET"]);
  assertEquals(pve.stats.cached, 0);
});

Deno.test("client: a GET in flight during a mutation is neither stored nor joined", async () => {
  const releases: Array<() => void> = [];
  const t = transport(async (r, n) => {
    if (r.method === "GET" && n === 1) await new Promise<void>((res) => releases.push(res));
    return ok(r.method === "GET" ? [{ n }] : null);
  });
  const pve = client(t, on({ acrossCalls: true }));
  const before = pve.get("/nodes/{node}/qemu/{vmid}/config", { node: "pve1", vmid: 100 });
  await pve.post("/nodes/{node}/qemu/{vmid}/status/start", { node: "pve1", vmid: 100 });
  // Sent after the change: must not ride on the request sent before it.
  const after = await pve.get("/nodes/{node}/qemu/{vmid}/config", { node: "pve1", vmid: 100 });
  assertEquals(after, [{ n: 3 }]);
  releases[0]();
  assertEquals(await before, [{ n: 1 }]);
  const again = await pve.get("/nodes/{node}/qemu/{vmid}/config", { node: "pve1", vmid: 100 });
  assertEquals(again, [{ n: 3 }], "the pre-change answer was not stored over the fresh one");
  assertEquals(t.seen.length, 3);
});

Deno.test("client: errors and polled endpoints are never served from the cache", async () => {
  const t = transport((r, n) =>
    Promise.resolve(
      r.url.endsWith("/version") && n === 1
        ? { status: 500, statusText: "boom", body: "" }
        : ok({ status: "running", n }),
    )
  );
  const pve = client(t, on({ acrossCalls: true }));
  await assertRejects(() => pve.get("/version"), PveError);
  assertEquals(await pve.get("/version"), { status: "running", n: 2 });
  const upid = "UPID:pve1:0000A1B2:0012F3C4:6745A0B1:qmstart:100:mcp@pve!mcp:";
  await pve.get("/nodes/{node}/tasks/{upid}/status", { node: "pve1", upid });
  const polled = await pve.get("/nodes/{node}/tasks/{upid}/status", { node: "pve1", upid });
  assertEquals(polled, { status: "running", n: 4 });
});

Deno.test("client: without a cache (or cache off) every GET is a request", async () => {
  for (const cache of [undefined, on({ enabled: false, acrossCalls: true })]) {
    const t = counting();
    const pve = client(t, cache);
    await pve.withCall(async () => {
      await pve.get("/nodes");
      await pve.get("/nodes");
    });
    assertEquals(t.seen.length, 2);
  }
});

Deno.test("config: cache section defaults, is strict, bounds ttl_ms", async () => {
  const cfg = await parseConfigText(
    `{"proxmox":{"host":"pve.lan"},"auth":{"user":"mcp@pve","token_name":"mcp",` +
      `"token_value":"8d3f2a1c-5b6e-4f70-9a8b-0c1d2e3f4a5b"}}`,
    { env: () => undefined },
  );
  assertEquals(cfg.cache, { enabled: true, ttl_ms: 2000, across_calls: false });
  assertEquals(CacheSchema.parse({ enabled: "off", ttl_ms: "500" }).enabled, false);
  assert(!CacheSchema.safeParse({ ttl: 5 }).success, "unknown keys are refused");
  assert(!CacheSchema.safeParse({ ttl_ms: 60_001 }).success);
  assert(!CacheSchema.safeParse({ ttl_ms: -1 }).success);
});
