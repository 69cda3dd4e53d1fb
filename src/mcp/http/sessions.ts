/**
 * Stateful mode for 2025 clients: one MCP server and transport per session,
 * with resumable SSE streams (an in-memory event store per session), so
 * elicitation, list_changed and cancellation reach them over HTTP. (Modern
 * requests never use sessions: src/mcp/http/server.ts routes them to the
 * stateless handler.) A session belongs to the token that opened it: another
 * token presenting its id gets 404, as if it did not exist. Idle sessions are
 * closed after `session_idle_seconds`.
 *
 * @example
 * ```ts ignore
 * const sessions = new SessionRegistry({ build, maxBodyBytes: 1 << 20, idleMs: 1_800_000, logger });
 * const res = await sessions.handle(req, principal, authInfo);
 * ```
 *
 * @module
 */

import { type McpServer, WebStandardStreamableHTTPServerTransport } from "../sdk.ts";
import type { Logger } from "../../log.ts";
import type { Principal } from "./auth.ts";
import { MemoryEventStore } from "./event_store.ts";
import { rpcError } from "./responses.ts";

interface Session {
  transport: WebStandardStreamableHTTPServerTransport;
  server: McpServer;
  owner: string;
  lastSeen: number;
}

/** What the registry needs. */
export interface SessionOptions {
  /** A new, long-lived 2025 MCP server for a principal (read-only tokens get read-only tools). */
  build(principal: Principal): McpServer;
  maxBodyBytes: number;
  idleMs: number;
  logger: Logger;
  /** Most sessions open at once (default 1000). */
  maxSessions?: number;
  /** Most sessions one token may hold (default 50): one token must not lock out the others. */
  maxPerToken?: number;
}

/** Authentication details handed to the MCP layer (never the token itself). */
export interface CallerInfo {
  token: string;
  clientId: string;
  scopes: string[];
}

/** Open sessions by id. */
export class SessionRegistry {
  #sessions = new Map<string, Session>();
  #sweeper: number;

  constructor(private readonly opts: SessionOptions) {
    // Deno's timers are numbers; the Node typings in scope say otherwise.
    this.#sweeper = setInterval(
      () => this.#sweep(),
      Math.min(60_000, opts.idleMs),
    ) as unknown as number;
    Deno.unrefTimer(this.#sweeper);
  }

  /** Sessions open now. */
  get size(): number {
    return this.#sessions.size;
  }

  /** Routes a request to its session, or opens one for an `initialize` POST. */
  async handle(req: Request, principal: Principal, authInfo: CallerInfo): Promise<Response> {
    const id = req.headers.get("mcp-session-id");
    if (id) {
      const s = this.#sessions.get(id);
      if (!s || s.owner !== principal.name) {
        return rpcError(404, "Session not found: it expired or was closed; initialize again");
      }
      s.lastSeen = Date.now();
      return await s.transport.handleRequest(req, { authInfo });
    }
    if (req.method !== "POST") {
      return rpcError(400, "Bad Request: Mcp-Session-Id header is required");
    }
    if (this.#sessions.size >= (this.opts.maxSessions ?? 1000)) {
      return rpcError(503, "too many open sessions: close unused ones (DELETE) or retry later", {
        "Retry-After": "30",
      });
    }
    const cap = this.opts.maxPerToken ?? 50;
    if (this.countOf(principal.name) >= cap) {
      return rpcError(
        429,
        `too many open sessions for token "${principal.name}" (${cap}, ` +
          "http.max_sessions_per_token): close unused ones (DELETE) or let them expire",
        { "Retry-After": "30" },
      );
    }
    return await this.#open(req, principal, authInfo);
  }

  /** Sessions the token `owner` holds. */
  countOf(owner: string): number {
    let n = 0;
    for (const s of this.#sessions.values()) if (s.owner === owner) n++;
    return n;
  }

  async #open(req: Request, principal: Principal, authInfo: CallerInfo): Promise<Response> {
    const server = this.opts.build(principal);
    let session: Session | undefined;
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => crypto.randomUUID(),
      eventStore: new MemoryEventStore(),
      maxRequestBodySize: this.opts.maxBodyBytes,
      onsessioninitialized: (sid) => {
        session = { transport, server, owner: principal.name, lastSeen: Date.now() };
        this.#sessions.set(sid, session);
        this.opts.logger.info("http session opened", { session: sid, token: principal.name });
      },
      onsessionclosed: (sid) => {
        this.#sessions.delete(sid);
        this.opts.logger.info("http session closed by the client", { session: sid });
      },
    });
    await server.connect(transport);
    const res = await transport.handleRequest(req, { authInfo });
    // Not an initialize request: no session came of it, so nothing may keep this server.
    if (!session) await server.close().catch(() => {});
    return res;
  }

  #sweep() {
    const cutoff = Date.now() - this.opts.idleMs;
    for (const [id, s] of this.#sessions) {
      if (s.lastSeen >= cutoff) continue;
      this.#sessions.delete(id);
      this.opts.logger.info("http session expired (idle)", { session: id });
      s.server.close().catch(() => {});
    }
  }

  /** Closes every session (shutdown). */
  async closeAll(): Promise<void> {
    clearInterval(this.#sweeper);
    const all = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.all(all.map((s) => s.server.close().catch(() => {})));
  }
}
