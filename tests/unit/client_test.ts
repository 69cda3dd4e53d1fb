import { assert, assertEquals, assertRejects, assertStringIncludes } from "../support/assert.ts";
import { buildPath, encodeParams, PveClient } from "../../src/proxmox/client.ts";
import { PveError } from "../../src/proxmox/errors.ts";
import type {
  Transport,
  TransportRequest,
  TransportResponse,
} from "../../src/proxmox/transport.ts";

const SECRET = "0f9e8d7c-6b5a-4321-8fed-cba987654321";

/** A transport that answers from a script and records what it was asked. */
function fakeTransport(
  answers: Array<TransportResponse | Error | ((r: TransportRequest) => Promise<TransportResponse>)>,
) {
  const seen: TransportRequest[] = [];
  const t: Transport & { seen: TransportRequest[] } = {
    seen,
    send(req) {
      seen.push(req);
      const a = answers.length > 1 ? answers.shift()! : answers[0];
      if (a instanceof Error) return Promise.reject(a);
      if (typeof a === "function") return a(req);
      return Promise.resolve(a);
    },
    close() {},
  };
  return t;
}

const ok = (data: unknown): TransportResponse => ({
  status: 200,
  statusText: "OK",
  body: JSON.stringify({ data }),
});

function client(t: Transport, extra: Partial<ConstructorParameters<typeof PveClient>[0]> = {}) {
  return new PveClient({
    baseUrl: "https://pve.lan:8006",
    tokenId: "mcp@pve!mcp",
    secret: SECRET,
    transport: t,
    timeoutMs: 5000,
    backoffMs: 1,
    ...extra,
  });
}

Deno.test("sends the PVEAPIToken header and unwraps the data envelope", async () => {
  const t = fakeTransport([ok([{ node: "pve1" }])]);
  const data = await client(t).get("/nodes");
  assertEquals(data, [{ node: "pve1" }]);
  assertEquals(t.seen[0].url, "https://pve.lan:8006/api2/json/nodes");
  assertEquals(t.seen[0].headers.Authorization, `PVEAPIToken=mcp@pve!mcp=${SECRET}`);
});

Deno.test("path parameters are validated before any request, and encoded", () => {
  assertEquals(
    buildPath("/nodes/{node}/qemu/{vmid}/status/current", { node: "pve1", vmid: 100 }).path,
    "/nodes/pve1/qemu/100/status/current",
  );
  for (
    const [name, value] of [
      ["node", "../x"],
      ["node", "pve1/qemu"],
      ["vmid", 99],
      ["vmid", "1e3"],
      ["node", "a%2F.."],
    ] as const
  ) {
    let err: unknown;
    try {
      buildPath(`/nodes/{node}/qemu/{vmid}/config`, { node: "pve1", vmid: 100, [name]: value });
    } catch (e) {
      err = e;
    }
    assert(
      err instanceof PveError && err.kind === "bad-request",
      `${name}=${value} must be refused`,
    );
  }
});

Deno.test("booleans travel as 0/1 and arrays as repeated keys", () => {
  assertEquals(
    encodeParams({ a: true, b: false, c: ["ls", "-la"], d: undefined, e: 5 }).toString(),
    "a=1&b=0&c=ls&c=-la&e=5",
  );
});

Deno.test("GET retries on 503 and network errors; POST never retries", async () => {
  const t = fakeTransport([
    { status: 503, statusText: "Service Unavailable", body: "" },
    new TypeError("connection reset"),
    ok("fine"),
  ]);
  const c = client(t);
  assertEquals(await c.get("/version"), "fine");
  assertEquals(t.seen.length, 3);
  assertEquals(c.stats.retries, 2);

  const t2 = fakeTransport([{ status: 503, statusText: "Service Unavailable", body: "" }, ok("x")]);
  const e = await assertRejects(
    () => client(t2).post("/nodes/{node}/qemu/{vmid}/status/start", { node: "pve1", vmid: 100 }),
    PveError,
  );
  assertEquals(e.status, 503);
  assertEquals(t2.seen.length, 1);
  assertEquals(t2.seen[0].body, "");
  assertEquals(t2.seen[0].headers["Content-Type"], "application/x-www-form-urlencoded");
});

Deno.test("401 is never retried and says what to check, without the secret", async () => {
  const t = fakeTransport([{ status: 401, statusText: "invalid token value!", body: "" }]);
  const e = await assertRejects(() => client(t).get("/nodes"), PveError);
  assertEquals(e.kind, "auth");
  assertEquals(t.seen.length, 1);
  assertStringIncludes(e.message, "invalid token value!");
  assertStringIncludes(e.message, "auth.token_value");
  assert(!e.message.includes(SECRET));
});

Deno.test("403 names the path, the privilege and the pveum fix", async () => {
  const t = fakeTransport([{
    status: 403,
    statusText: "Forbidden",
    body: JSON.stringify({
      data: null,
      message: "Permission check failed (/vms/100, VM.PowerMgmt)\n",
    }),
  }]);
  const e = await assertRejects(
    () => client(t).post("/nodes/{node}/qemu/{vmid}/status/stop", { node: "pve1", vmid: 100 }),
    PveError,
  );
  assertEquals(e.kind, "permission");
  assertEquals(e.details.permission, { path: "/vms/100", privileges: ["VM.PowerMgmt"] });
  assertStringIncludes(e.message, "pveum acl modify /vms/100");
});

Deno.test("400 lists each bad parameter", async () => {
  const t = fakeTransport([{
    status: 400,
    statusText: "Parameter verification failed.",
    body: JSON.stringify({
      data: null,
      errors: {
        type: "value 'x' does not have a value in the enumeration 'vm, storage, node, sdn'",
      },
    }),
  }]);
  const e = await assertRejects(
    () => client(t).get("/cluster/resources", { type: "vm" }),
    PveError,
  );
  assertEquals(e.kind, "bad-request");
  assertStringIncludes(e.message, "type: value 'x' does not have a value in the enumeration");
});

Deno.test("595/596 become node-unreachable; 501 not-implemented", async () => {
  const e1 = await assertRejects(
    () =>
      client(fakeTransport([{ status: 596, statusText: "Connection timed out", body: "" }])).get(
        "/nodes/{node}/status",
        { node: "pve3" },
      ),
    PveError,
  );
  assertEquals(e1.kind, "node-unreachable");
  assertStringIncludes(e1.message, "Connection timed out");
  const e2 = await assertRejects(
    () =>
      client(
        fakeTransport([{
          status: 501,
          statusText: "Method 'GET /nodes' not implemented",
          body: "",
        }]),
      ).get("/nodes"),
    PveError,
  );
  assertEquals(e2.kind, "not-implemented");
});

Deno.test("a body that is not the envelope is a bad-response, not a crash", async () => {
  for (const body of ['{"data": [1, 2', "<html>proxy error</html>", '{"result": []}']) {
    const e = await assertRejects(
      () =>
        client(fakeTransport([{ status: 200, statusText: "OK", body }])).post(
          "/nodes/{node}/qemu/{vmid}/status/start",
          { node: "pve1", vmid: 100 },
        ),
      PveError,
    );
    assertEquals(e.kind, "bad-response");
  }
});

Deno.test("a hung request times out with an actionable message", async () => {
  const hang = (r: TransportRequest) =>
    new Promise<TransportResponse>((_, reject) =>
      r.signal.addEventListener("abort", () => reject(r.signal.reason))
    );
  const e = await assertRejects(
    () => client(fakeTransport([hang]), { timeoutMs: 50, retries: 0 }).get("/version"),
    PveError,
  );
  assertEquals(e.kind, "timeout");
  assertStringIncludes(e.message, "proxmox.timeout_ms");
});

Deno.test("TLS failures say how to fix them", async () => {
  const t = fakeTransport([
    new TypeError("error sending request: invalid peer certificate: UnknownIssuer"),
  ]);
  const e = await assertRejects(() => client(t, { retries: 0 }).get("/version"), PveError);
  assertEquals(e.kind, "tls");
  assertStringIncludes(e.message, "proxmox.ca_file");
});

Deno.test("identical concurrent GETs share one request", async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const t = fakeTransport([async () => {
    await gate;
    return ok([1]);
  }]);
  const c = client(t);
  const all = Promise.all([c.get("/nodes"), c.get("/nodes"), c.get("/nodes")]);
  release();
  assertEquals(await all, [[1], [1], [1]]);
  assertEquals(t.seen.length, 1);
  assertEquals(c.stats.coalesced, 2);
});

Deno.test("concurrency is bounded", async () => {
  let inFlight = 0, peak = 0;
  const t = fakeTransport([async () => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((r) => setTimeout(r, 5));
    inFlight--;
    return ok(null);
  }]);
  const c = client(t, { maxConcurrency: 3 });
  await Promise.all(
    Array.from({ length: 12 }, (_, i) => c.get("/nodes/{node}/status", { node: `n${i}` })),
  );
  assertEquals(t.seen.length, 12);
  assertEquals(peak, 3);
});

Deno.test("an endpoint outside the schema table is refused before sending", async () => {
  const t = fakeTransport([ok(null)]);
  let err: unknown;
  try {
    await client(t).get("/nodes/{node}/bogus", { node: "pve1" });
  } catch (e) {
    err = e;
  }
  assert(err instanceof Error && /not in the table/.test(err.message));
  assertEquals(t.seen.length, 0);
});
