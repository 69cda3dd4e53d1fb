/**
 * The HTTP transport's building blocks on their own: listen addresses, Host
 * and Origin rules, token checks, the concurrency limiter, the event store,
 * and the configuration sections for HTTP and several clusters.
 */

import { assert, assertEquals, assertRejects, assertThrows } from "../support/assert.ts";
import {
  checkHost,
  checkOrigin,
  ConcurrencyLimiter,
  isLoopback,
  onBodyDone,
  parseListen,
} from "../../src/mcp/http/guards.ts";
import { BearerAuth } from "../../src/mcp/http/auth.ts";
import { MemoryEventStore } from "../../src/mcp/http/event_store.ts";
import { collectTokens } from "../../src/cli/serve_http.ts";
import { parseConfigText } from "../../src/config/load.ts";
import { ConfigError } from "../../src/config/errors.ts";

Deno.test("parseListen: the accepted forms, and clear refusals", () => {
  assertEquals(parseListen("0.0.0.0:8080"), { hostname: "0.0.0.0", port: 8080 });
  assertEquals(parseListen("[::1]:9000"), { hostname: "::1", port: 9000 });
  assertEquals(parseListen(":8080"), { hostname: "127.0.0.1", port: 8080 });
  assertEquals(parseListen("8080"), { hostname: "127.0.0.1", port: 8080 });
  assertEquals(parseListen("localhost:0"), { hostname: "localhost", port: 0 });
  for (const bad of ["localhost", "::1:80", "host:99999", "a b:80", "host:x"]) {
    const e = assertThrows(() => parseListen(bad), TypeError);
    assert(e.message.includes(bad), e.message);
  }
});

Deno.test("loopback, Host and Origin rules", () => {
  assert(isLoopback("127.0.0.1") && isLoopback("127.1.2.3") && isLoopback("[::1]"));
  assert(isLoopback("localhost") && !isLoopback("0.0.0.0") && !isLoopback("10.0.0.1"));
  const local = { allowedHosts: [], allowedOrigins: [], loopback: true };
  assertEquals(checkHost("127.0.0.1:8080", local), undefined);
  assertEquals(checkHost("[::1]:8080", local), undefined);
  assert(checkHost("evil.example:8080", local)?.includes("allowed_hosts"));
  assert(checkHost(null, local));
  const pub = { allowedHosts: [], allowedOrigins: [], loopback: false };
  assertEquals(checkHost("mcp.example.com", pub), undefined);
  const listed = { allowedHosts: ["mcp.example.com"], allowedOrigins: [], loopback: false };
  assertEquals(checkHost("mcp.example.com:443", listed), undefined);
  assert(checkHost("other.example.com", listed));
  const origins = { ...local, allowedOrigins: ["https://ok.example"] };
  assertEquals(checkOrigin(null, origins), undefined);
  assertEquals(checkOrigin("https://ok.example", origins), undefined);
  assert(checkOrigin("https://ok.example.evil", origins));
  // No list: only the server's own origin; any other page, loopback ones included, is refused.
  const own = "http://127.0.0.1:8080";
  assertEquals(checkOrigin("http://127.0.0.1:8080", local, own), undefined);
  assert(checkOrigin("http://localhost:6274", local, own), "another local port is another site");
  assert(checkOrigin("http://127.0.0.1:3000", local, own));
  assert(checkOrigin("http://127.0.0.1:8080", local), "no own origin known: refused");
  assert(
    checkOrigin("http://evil.example", local, own),
    "a rebinding page's own origin is refused",
  );
  assert(checkOrigin("http://localhost.evil.example", local));
  assert(checkOrigin("http://localhost:3000", pub), "a public server allows no origin by default");
  assert(checkOrigin("http://localhost:3000", origins), "a configured list is the only list");
});

Deno.test("bearer tokens: exact match only, scope carried, value not kept", async () => {
  const auth = await BearerAuth.create([
    { name: "a", token: "token-a-0123456789" },
    { name: "b", token: "token-b-0123456789", read_only: true },
  ]);
  assertEquals(await auth.check("Bearer token-b-0123456789"), {
    ok: true,
    principal: { name: "b", readOnly: true },
  });
  assertEquals(await auth.check("bearer token-a-0123456789"), {
    ok: true,
    principal: { name: "a", readOnly: false },
  });
  assertEquals(await auth.check(null), { ok: false, reason: "missing" });
  assertEquals(await auth.check("token-a-0123456789"), { ok: false, reason: "malformed" });
  for (const wrong of ["token-a-012345678", "token-a-01234567890", "TOKEN-A-0123456789"]) {
    assertEquals(await auth.check(`Bearer ${wrong}`), { ok: false, reason: "invalid" });
  }
  assert(!JSON.stringify(auth).includes("token-a"));
});

Deno.test("PROXMOX_MCP_HTTP_TOKEN adds one token; short or duplicate ones are refused", () => {
  const env = (v: string) => (k: string) => k === "PROXMOX_MCP_HTTP_TOKEN" ? v : undefined;
  assertEquals(collectTokens([], env("e".repeat(20))), [
    { name: "env", token: "e".repeat(20), read_only: false },
  ]);
  assertThrows(() => collectTokens([], env("short")), ConfigError);
  const dup = [{ name: "env", token: "x".repeat(20) }];
  assertThrows(() => collectTokens(dup, env("e".repeat(20))), ConfigError);
});

Deno.test("concurrency limiter: per key, released once, also when a body ends", async () => {
  const lim = new ConcurrencyLimiter(2);
  const r1 = lim.acquire("a")!;
  lim.acquire("a")!;
  assertEquals(lim.acquire("a"), undefined);
  assert(lim.acquire("b"));
  r1();
  r1();
  assertEquals(lim.current("a"), 1);
  const release = lim.acquire("a")!;
  const res = onBodyDone(new Response("hello"), release);
  assertEquals(lim.current("a"), 2);
  assertEquals(await res.text(), "hello");
  assertEquals(lim.current("a"), 1);
  // A batch takes one slot per call, all or none.
  assertEquals(lim.acquire("a", 2), undefined);
  assertEquals(lim.current("a"), 1);
  const batch = new ConcurrencyLimiter(8);
  const take = batch.acquire("t", 8)!;
  assertEquals(batch.acquire("t"), undefined);
  take();
  assertEquals(batch.current("t"), 0);
  assertEquals(batch.acquire("t", 9), undefined, "a batch larger than the limit never fits");
});

Deno.test("event store: replays one stream after an id, bounded", async () => {
  const store = new MemoryEventStore(3);
  const m = (method: string) => ({ jsonrpc: "2.0" as const, method });
  const first = await store.storeEvent("s1", m("one"));
  await store.storeEvent("s2", m("other"));
  await store.storeEvent("s1", m("two"));
  const seen: string[] = [];
  const stream = await store.replayEventsAfter(first, {
    send: (_id, msg) => Promise.resolve(void seen.push((msg as { method: string }).method)),
  });
  assertEquals([stream, seen], ["s1", ["two"]]);
  await store.storeEvent("s1", m("three"));
  assertEquals(await store.getStreamIdForEventId(first), undefined);
  await assertRejects(
    () => store.replayEventsAfter(first, { send: () => Promise.resolve() }),
    Error,
  );
});

Deno.test("config: http defaults, clusters normalised, mixing forms refused", async () => {
  const env = () => undefined;
  const auth = { user: "mcp@pve", token_name: "mcp", token_value: "secret-value-1" };
  const one = await parseConfigText(JSON.stringify({ proxmox: { host: "a" }, auth }), { env });
  assertEquals(one.http.stateless, true);
  assertEquals(one.http.max_body_bytes, 1024 * 1024);
  assertEquals(one.http.max_concurrency_per_token, 8);
  assertEquals(Object.keys(one.clusters), ["default"]);
  const two = await parseConfigText(
    JSON.stringify({
      clusters: { lab: { proxmox: { host: "l" }, auth }, prod: { proxmox: { host: "p" }, auth } },
      default_cluster: "prod",
    }),
    { env: (k) => (k === "PROXMOX_HOST" ? "ignored" : undefined) },
  );
  assertEquals([two.default_cluster, two.proxmox.host], ["prod", "p"]);
  const mixed = await assertRejects(
    () =>
      parseConfigText(
        JSON.stringify({ auth, clusters: { lab: { proxmox: { host: "l" }, auth } } }),
        { env },
      ),
    ConfigError,
  );
  assert(mixed.message.includes("cannot be combined with clusters"), mixed.message);
  assert(!mixed.message.includes("secret-value-1"), mixed.message);
});
