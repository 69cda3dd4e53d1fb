/**
 * One API request, in pve-http-server's order: body check on GET/DELETE,
 * authentication, routing (501), duplicate path parameters, privilege check
 * (403), proxy to the node (500 unknown / 595 offline), the protected daemon's
 * workers, parameter verification (400), then the handler.
 *
 * @module
 */

import { gzipSync } from "node:zlib";
import { matchEndpoint } from "../proxmox/endpoints.ts";
import { checkPermissions, fullTokenId, hasPrivs, PermissionDenied, type SimToken } from "./acl.ts";
import { type Fault, type FaultSet, STATUS_TEXT } from "./faults.ts";
import type { RawRequest, RawResponse } from "./http1.ts";
import { type Params, parseJsonBody, parseUrlEncoded, verifyParams } from "./params.ts";
import { ROUTES } from "./routes/mod.ts";
import { PveError, type RouteContext } from "./routing.ts";
import type { ClusterState } from "./state.ts";
import { sleep, type WorkerPool } from "./timing.ts";
import { hostLookupError } from "./views.ts";
import { errorBodyIn, permissionsFor } from "./versions.ts";

/** One request as the simulator saw it (see the contract). */
export interface RecordedRequest {
  method: string;
  /** Decoded path as PVE routes it, without `/api2/json` and without the query. */
  path: string;
  /** As received (percent-encoded), with the `/api2/json` prefix. */
  rawPath: string;
  /** Query (GET/DELETE) or form/JSON body (POST/PUT); path parameters not included. */
  params: Params;
  tokenId?: string;
  /** HTTP status answered; 0 when the connection was hung or reset before an answer. */
  status: number;
  at: number;
}

/** What the pipeline needs from the simulator. */
export interface PipelineDeps {
  state: ClusterState;
  tokens: SimToken[];
  faults: FaultSet;
  requests: RecordedRequest[];
  pool: WorkerPool;
  signal: AbortSignal;
  latencyMs(): number;
  costMs: number;
  authFailDelayMs: number;
  /** Requests being answered now, and the most at once (load tests check the client's bound). */
  load?: LoadCounter;
}

/** Concurrent requests inside the simulator: now and the peak since the last reset. */
export interface LoadCounter {
  inFlight: number;
  peak: number;
}

const PREFIX = "/api2/json";
const dec = new TextDecoder();

const json = (status: number, message: string, body: Record<string, unknown>): RawResponse => ({
  status,
  reason: message,
  headers: { "Content-Type": "application/json;charset=UTF-8" },
  body: JSON.stringify(body),
});
// Errors: the message on the status line and, as PVE 8.3+ does, in the body.
const fail = (status: number, message: string, errors?: Record<string, string>): RawResponse =>
  json(status, message, { data: null, ...(errors ? { errors } : {}), message: `${message}\n` });
// Answers that PVE's HTTP layer sends itself (auth, proxy): empty body.
const bare = (status: number, reason: string): RawResponse => ({ status, reason, body: "" });

/** The request handler of one simulator. */
export function createPipeline(deps: PipelineDeps): (raw: RawRequest) => Promise<RawResponse> {
  return async (raw) => {
    const load = deps.load;
    if (!load) return asRelease(deps, await handle(deps, raw));
    load.peak = Math.max(load.peak, ++load.inFlight);
    try {
      return asRelease(deps, await handle(deps, raw));
    } finally {
      load.inFlight--;
    }
  };
}

// Before PVE 8.3 an error's text is on the status line only (versions.ts).
function asRelease(deps: PipelineDeps, res: RawResponse): RawResponse {
  if (typeof res.body !== "string") return res;
  const body = errorBodyIn(deps.state.pveRelease, res.status, res.body);
  return body === res.body ? res : { ...res, body };
}

async function handle(deps: PipelineDeps, raw: RawRequest): Promise<RawResponse> {
  const at = Date.now();
  const rawPath = raw.target.split("?")[0];
  const query = raw.target.includes("?") ? raw.target.slice(raw.target.indexOf("?") + 1) : "";
  const decoded = percentDecode(rawPath);
  const rel = apiPath(decoded);
  const path = rel ?? decoded;
  const rec: RecordedRequest = { method: raw.method, path, rawPath, params: {}, status: 0, at };
  deps.requests.push(rec);
  await sleep(deps.latencyMs(), deps.signal);
  deps.state.settle();
  const fault = deps.faults.take(raw.method, path);
  if (fault?.kind === "hang") return { status: 0, reason: "", hang: true };
  if (fault?.kind === "huge" || fault?.kind === "endless") {
    rec.status = 200;
    return { status: 200, reason: "OK", stream: fault.kind === "huge" ? fault.bytes : "endless" };
  }
  if (fault?.kind === "gzip-bomb" || fault?.kind === "bad-gzip") {
    rec.status = 200;
    const body = fault.kind === "bad-gzip"
      ? new TextEncoder().encode('{"data":[]}')
      : gzipSync(new Uint8Array(fault.bytes).fill(0x20));
    return { status: 200, reason: "OK", body, headers: { "Content-Encoding": "gzip" } };
  }
  if (fault?.kind === "reset" && fault.at === "connect") {
    return { status: 0, reason: "", abort: true };
  }
  if (fault?.kind === "status") {
    const msg = fault.message ?? STATUS_TEXT[fault.status] ?? "Injected fault";
    rec.status = fault.status;
    return fail(fault.status, msg);
  }
  const res = await answer(deps, raw, rec, query, rel !== undefined);
  rec.status = res.status;
  return fault ? distort(fault, res) : res;
}

async function answer(
  deps: PipelineDeps,
  raw: RawRequest,
  rec: RecordedRequest,
  query: string,
  inApi: boolean,
): Promise<RawResponse> {
  const { method } = raw;
  if ((method === "GET" || method === "DELETE") && raw.hasBody) {
    return bare(501, `Unexpected content for method '${method}'`);
  }
  const token = authenticate(deps.tokens, raw.headers.get("authorization"));
  if (typeof token === "string") {
    await sleep(deps.authFailDelayMs, deps.signal);
    return bare(401, token);
  }
  rec.tokenId = fullTokenId(token);
  if (!inApi) return bare(404, "File not found");
  let params: Params;
  try {
    params = readParams(raw, query);
  } catch (e) {
    return fail(400, `Parameter verification failed - ${(e as Error).message}`);
  }
  rec.params = params;
  const m = matchEndpoint(method, rec.path);
  if (!m) return fail(501, `Method '${method} ${rec.path}' not implemented`);
  const dup = Object.keys(params).find((k) => k in m.pathParams);
  if (dup) {
    return fail(400, "Parameter verification failed.", {
      [dup]: "duplicate parameter (already defined in URI)",
    });
  }
  const all: Params = { ...params, ...m.pathParams };
  try {
    checkPermissions(permissionsFor(deps.state.pveRelease, m.spec.permissions), token.acl, all);
  } catch (e) {
    if (e instanceof PermissionDenied) return fail(403, e.message);
    throw e;
  }
  if (m.spec.proxyto === "node") {
    const node = deps.state.nodes.get(String(all.node));
    if (!node) return fail(500, hostLookupError(String(all.node)).message);
    if (!node.online) return bare(595, "No route to host");
  }
  const run = async () => {
    await sleep(deps.costMs, deps.signal);
    const errors = verifyParams(m.spec.params, all);
    if (Object.keys(errors).length) return fail(400, "Parameter verification failed.", errors);
    const handler = ROUTES[`${method} ${m.spec.path}`];
    // In the project's table but not simulated (yet): answer as an unknown method.
    if (!handler) return fail(501, `Method '${method} ${rec.path}' not implemented`);
    let total: number | undefined;
    const ctx: RouteContext = {
      state: deps.state,
      token,
      tokenId: rec.tokenId!,
      params: all,
      pathParams: m.pathParams,
      spec: m.spec,
      can: (p, privs, any = false) => hasPrivs(token.acl, p, privs, any),
      setTotal: (n) => (total = n),
    };
    try {
      const data = await handler(ctx);
      return json(200, "OK", total === undefined ? { data } : { data, total });
    } catch (e) {
      if (e instanceof PveError) return fail(e.status, e.message, e.errors);
      return fail(500, (e as Error).message ?? String(e));
    }
  };
  return m.spec.protected ? await deps.pool.run(run) : await run();
}

// PVE: "PVEAPIToken=USER@REALM!TOKENID=SECRET". Returns the token or the 401 reason.
function authenticate(tokens: SimToken[], header: string | null): SimToken | string {
  if (!header) return "No ticket";
  const m = /^PVEAPIToken=([^\s!]+)!([^\s=]+)=(\S+)$/.exec(header.trim());
  const t = m && tokens.find((t) => t.user === m[1] && t.tokenid === m[2]);
  if (!m || !t || t.secret !== m[3]) return "invalid token value!";
  return t;
}

function readParams(raw: RawRequest, query: string): Params {
  const params = parseUrlEncoded(query);
  if (raw.method !== "POST" && raw.method !== "PUT") return params;
  const text = dec.decode(raw.body);
  if (!text.trim()) return params;
  const type = raw.headers.get("content-type") ?? "";
  const body = type.includes("application/json") ? parseJsonBody(text) : parseUrlEncoded(text);
  return { ...params, ...body };
}

// The server percent-decodes the whole path before routing (a `%2F` becomes a `/`).
function percentDecode(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p.replace(/%([0-9a-fA-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
  }
}

// "/api2/json/nodes/" -> "/nodes"; undefined outside the API.
function apiPath(p: string): string | undefined {
  const s = p.replace(/\/+/g, "/");
  if (s !== PREFIX && !s.startsWith(PREFIX + "/")) return undefined;
  const rel = s.slice(PREFIX.length).replace(/\/$/, "");
  return rel === "" ? "/" : rel;
}

// Faults that need the real answer first.
function distort(fault: Fault, res: RawResponse): RawResponse {
  const body = typeof res.body === "string" ? res.body : dec.decode(res.body ?? new Uint8Array());
  if (fault.kind === "malformed") {
    return {
      ...res,
      status: 200,
      reason: "OK",
      body: body.slice(0, Math.max(1, Math.floor(body.length / 2))),
    };
  }
  if (fault.kind === "wrong-shape") {
    const data = body ? JSON.parse(body).data : null;
    const wrong = Array.isArray(data)
      ? { unexpected: "object instead of array" }
      : ["unexpected", 42];
    return json(200, "OK", { data: wrong });
  }
  if (fault.kind === "reset") {
    return { ...res, truncateAt: Math.floor(new TextEncoder().encode(body).length / 2) };
  }
  return res;
}
