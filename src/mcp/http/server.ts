/**
 * MCP over Streamable HTTP on `Deno.serve`: `/mcp` and `/healthz`. Every
 * `/mcp` request passes, in order: Host and Origin checks (DNS rebinding,
 * 403), bearer authentication (401), the body size limit (413) and the
 * per-token concurrency limit (429), each before anything is parsed or any
 * cluster is called. Then:
 *
 * - 2026-07-28 requests go to the SDK's stateless handler
 *   (`createMcpHandler`), which validates the envelope and the
 *   `Mcp-Method`/`Mcp-Name` headers and serves `subscriptions/listen`;
 *   a fresh MCP server per request, so any replica can answer.
 * - 2025 requests, in stateless mode (the default), go to the same handler's
 *   stateless legacy leg; in stateful mode to sessions with resumable
 *   streams, elicitation and list_changed (sessions.ts).
 *
 * @example
 * ```ts ignore
 * const http = await startHttpServer({ ctx, settings, auth, listen: { hostname: "127.0.0.1", port: 8080 } });
 * console.log(http.url); // http://127.0.0.1:8080/mcp
 * await http.shutdown();
 * ```
 *
 * @module
 */

import { createMcpHandler, isLegacyRequest, type McpRequestContext } from "../sdk.ts";
import type { HttpConfig } from "../../config/schema.ts";
import type { McpService, Principal } from "../server.ts";
import { SERVER_NAME, VERSION } from "../../version.ts";
import type { BearerAuth } from "./auth.ts";
import {
  checkHost,
  checkOrigin,
  ConcurrencyLimiter,
  isLoopback,
  type ListenAddress,
  onBodyDone,
  type OriginPolicy,
} from "./guards.ts";
import { corsHeaders, json, preflight, rpcError, withHeaders } from "./responses.ts";
import { type CallerInfo, SessionRegistry } from "./sessions.ts";
import { countCalls, readBounded } from "./rpc_count.ts";

/** Everything the HTTP server needs. */
export interface HttpServerOptions {
  service: McpService;
  settings: HttpConfig;
  auth: BearerAuth;
  listen: ListenAddress;
}

/** A running HTTP server. */
export interface HttpServer {
  /** The MCP endpoint, e.g. `http://127.0.0.1:8080/mcp`. */
  url: string;
  port: number;
  /** Stops accepting, closes sessions, waits for requests in flight. */
  shutdown(): Promise<void>;
  finished: Promise<void>;
}

const ANONYMOUS: Principal = { name: "anonymous", readOnly: false };

function principalOf(rc: McpRequestContext | undefined): Principal {
  const info = rc?.authInfo;
  return info ? { name: info.clientId, readOnly: !info.scopes.includes("write") } : ANONYMOUS;
}

/** The request handler, separate from `Deno.serve` so it can be tested on its own. */
export function createHandler(opts: HttpServerOptions) {
  const { service, settings, auth } = opts;
  const ctx = service.ctx;
  const policy: OriginPolicy = {
    allowedHosts: settings.allowed_hosts,
    allowedOrigins: settings.allowed_origins,
    loopback: isLoopback(opts.listen.hostname),
  };
  const limiter = new ConcurrencyLimiter(settings.max_concurrency_per_token);
  // One handler for modern requests (and 2025 ones in stateless mode): a fresh server each.
  const modern = createMcpHandler(
    (rc) => service.build(principalOf(rc), { legacyCanAsk: false, longLived: false }, rc),
    {
      legacy: settings.stateless ? "stateless" : "reject",
      maxRequestBodySize: settings.max_body_bytes,
      onerror: (e) => ctx.logger.debug("mcp handler", { error: e.message }),
    },
  );
  const stopListening = service.onToolsChanged(() => modern.notify.toolsChanged());
  const sessions = settings.stateless ? undefined : new SessionRegistry({
    build: (p) => service.build(p, { legacyCanAsk: true, longLived: true }, { era: "legacy" }),
    maxBodyBytes: settings.max_body_bytes,
    idleMs: settings.session_idle_seconds * 1000,
    logger: ctx.logger,
    maxPerToken: settings.max_sessions_per_token,
  });
  const started = Date.now();

  async function route(req: Request, p: Principal, authInfo: CallerInfo): Promise<Response> {
    // Stateful mode keeps 2025 clients on sessions; everything modern is stateless.
    if (sessions && (req.method !== "POST" || await isLegacyRequest(req.clone()))) {
      return await sessions.handle(req, p, authInfo);
    }
    return await modern.fetch(req, { authInfo });
  }

  async function mcp(req: Request, remote: string): Promise<Response> {
    const hostProblem = checkHost(req.headers.get("host"), policy);
    const origin = req.headers.get("origin");
    // Host is checked first, so the URL's origin is the one this server answers under.
    const originProblem = checkOrigin(origin, policy, new URL(req.url).origin);
    if (hostProblem || originProblem) {
      ctx.logger.warn("http request refused", { remote, why: hostProblem ?? originProblem });
      return rpcError(403, `Forbidden: ${hostProblem ?? originProblem}`);
    }
    if (req.method === "OPTIONS") return preflight(origin);
    let principal = ANONYMOUS;
    if (auth.enabled) {
      const r = await auth.check(req.headers.get("authorization"));
      if (!r.ok) {
        ctx.logger.warn("http authentication failed", { remote, reason: r.reason });
        const challenge = r.reason === "missing"
          ? 'Bearer realm="proxmox-mcp"'
          : 'Bearer realm="proxmox-mcp", error="invalid_token"';
        const message = r.reason === "missing"
          ? "Unauthorized: send the header Authorization: Bearer <token> (see http.tokens)"
          : "Unauthorized: the bearer token is not valid";
        return rpcError(401, message, { "WWW-Authenticate": challenge });
      }
      principal = r.principal;
    }
    const length = Number(req.headers.get("content-length") ?? 0);
    if (length > settings.max_body_bytes) {
      return rpcError(
        413,
        `Payload Too Large: the request body has ${length} bytes, the limit is ` +
          `${settings.max_body_bytes} (http.max_body_bytes)`,
      );
    }
    // Only POSTs count: a session's long-lived GET stream must not hold a slot for ever. A POST
    // takes one slot per JSON-RPC call in it (a batch of 20 calls is 20 calls in flight).
    let slots = 0;
    if (req.method === "POST") {
      const body = await readBounded(req, settings.max_body_bytes);
      if (!body.ok) {
        return rpcError(
          413,
          `Payload Too Large: the request body exceeds ${settings.max_body_bytes} bytes ` +
            "(http.max_body_bytes)",
        );
      }
      slots = countCalls(body.bytes);
      req = new Request(req, { body: body.bytes as BodyInit });
    }
    const release = slots ? limiter.acquire(principal.name, slots) : () => {};
    if (!release) {
      ctx.logger.warn("http concurrency limit reached", { token: principal.name, calls: slots });
      return rpcError(
        429,
        `Too Many Requests: token "${principal.name}" may have ` +
          `${settings.max_concurrency_per_token} calls in flight ` +
          `(http.max_concurrency_per_token), ${limiter.current(principal.name)} are running ` +
          `and this request carries ${slots}; wait for some to finish and retry` +
          (slots > settings.max_concurrency_per_token ? " with a smaller batch" : ""),
        { "Retry-After": "1" },
      );
    }
    const authInfo: CallerInfo = {
      token: "(bearer)",
      clientId: principal.name,
      scopes: principal.readOnly ? ["read"] : ["read", "write"],
    };
    try {
      const res = await route(req, principal, authInfo);
      const extra = origin ? corsHeaders(origin) : {};
      return onBodyDone(withHeaders(res, extra), release);
    } catch (e) {
      release();
      ctx.logger.error("http request failed", { error: (e as Error).message });
      return rpcError(500, "Internal error while handling the request");
    }
  }

  async function handle(req: Request, remote = "?"): Promise<Response> {
    const t0 = performance.now();
    const path = new URL(req.url).pathname;
    let res: Response;
    if (path === "/healthz" && (req.method === "GET" || req.method === "HEAD")) {
      // No secrets and no cluster calls: a load balancer may poll this often.
      res = json(200, {
        status: "ok",
        server: SERVER_NAME,
        version: VERSION,
        mode: sessions ? "stateful" : "stateless",
        uptime_s: Math.round((Date.now() - started) / 1000),
      });
    } else if (path === "/mcp") res = await mcp(req, remote);
    else res = json(404, { error: `nothing at ${path}: the MCP endpoint is /mcp` });
    ctx.logger.debug("http", {
      method: req.method,
      path,
      status: res.status,
      ms: Math.round(performance.now() - t0),
    });
    return res;
  }

  return {
    handle,
    close: async () => {
      stopListening();
      await sessions?.closeAll();
      await modern.close();
    },
  };
}

/** Listens on `opts.listen` and serves until shut down. */
export async function startHttpServer(opts: HttpServerOptions): Promise<HttpServer> {
  const handler = createHandler(opts);
  const { promise: listening, resolve } = Promise.withResolvers<number>();
  const server = Deno.serve({
    hostname: opts.listen.hostname,
    port: opts.listen.port,
    onListen: ({ port }) => resolve(port),
  }, (req, info) => {
    const addr = info.remoteAddr as Deno.NetAddr;
    return handler.handle(req, `${addr.hostname}:${addr.port}`);
  });
  const port = await listening;
  const host = opts.listen.hostname.includes(":")
    ? `[${opts.listen.hostname}]`
    : opts.listen.hostname;
  return {
    url: `http://${host}:${port}/mcp`,
    port,
    finished: server.finished,
    shutdown: async () => {
      await handler.close();
      await server.shutdown();
    },
  };
}
