/**
 * The MCP server factory, one for both protocol eras and both transports.
 * {@linkcode McpService} holds what lives as long as the process — the tool
 * catalogs (full and read-only), the token-fitted visibility, the sealing
 * key for task ids and confirmation state — and builds a light `McpServer`
 * per HTTP request or per stdio connection: per-request instances cost a
 * handful of handler registrations, no schema conversion.
 *
 * | | 2025-11-25 (legacy) | 2026-07-28 (modern) |
 * | --- | --- | --- |
 * | handshake | `initialize` | none; `server/discover` |
 * | confirmation | `elicitation/create` (SDK shim) | `input_required` + sealed `requestState` |
 * | long PVE jobs | inline, progress, cancellation | a task when the request declares the extension |
 * | list_changed | notification (stdio, sessions) | `subscriptions/listen` |
 *
 * @example
 * ```ts ignore
 * const service = await McpService.create(ctx);
 * serveStdio(service.factory({ name: "stdio", readOnly: false }, { legacyCanAsk: true }));
 * ```
 *
 * @module
 */

import type { ToolContext } from "../core/context.ts";
import { contextFor } from "../clusters.ts";
import { parseKey, Sealer } from "../crypto/seal.ts";
import { SERVER_NAME, VERSION } from "../version.ts";
import { type McpRequestContext, McpServer } from "./sdk.ts";
import { clusterNote } from "../tools/cluster_scope.ts";
import { ToolCatalog } from "./catalog.ts";
import { ToolVisibility } from "./tool_visibility.ts";
import { Confirmation } from "./confirmation.ts";
import { callTool, type Principal } from "./tool_call.ts";
import { TaskIds } from "./tasks/ids.ts";
import { installTasks, type TaskKind } from "./tasks/protocol.ts";
import { pveJobs } from "./tasks/pve_jobs.ts";
import { registerPrompts, registerResources } from "./prompts.ts";
import { registerApps } from "./apps.ts";
import { INSTRUCTIONS } from "./instructions.ts";
import {
  APPS_EXTENSION,
  declaresExtension,
  envelopeOf,
  isModern,
  legacyDeclares,
} from "./request_info.ts";

export type { Principal } from "./tool_call.ts";

/** How the transport serves an instance. */
export interface ServeMode {
  /** A 2025 client can receive server→client requests (stdio, stateful HTTP sessions). */
  legacyCanAsk: boolean;
  /** The instance lives for a connection or session (list_changed is pushed to it). */
  longLived: boolean;
}

/** Extra task kinds (test servers add in-process jobs). */
export type ExtraKinds = Readonly<Record<string, TaskKind>>;

/** Process-wide MCP state; see the module doc. */
export class McpService {
  readonly readOnlyCtx: ToolContext;
  readonly #visibility: ToolVisibility;
  readonly #readOnlyVisibility: ToolVisibility;
  readonly #live = new Set<McpServer>();
  readonly #listeners = new Set<() => void>();

  private constructor(
    readonly ctx: ToolContext,
    readonly confirmation: Confirmation,
    readonly ids: TaskIds,
    readonly extraKinds: ExtraKinds = {},
  ) {
    // Read-only tokens get the read-only catalog: they can neither see nor call a mutating tool.
    this.readOnlyCtx = {
      ...ctx,
      config: { ...ctx.config, tools: { ...ctx.config.tools, read_only: true } },
    };
    this.#visibility = new ToolVisibility(ToolCatalog.for(ctx).tools, ctx);
    this.#readOnlyVisibility = new ToolVisibility(
      ToolCatalog.for(this.readOnlyCtx).tools,
      this.readOnlyCtx,
    );
    const changed = () => this.#toolsChanged();
    this.#visibility.onChange(changed);
    this.#readOnlyVisibility.onChange(changed);
  }

  /** The service of `ctx`, with the configured state key (or a per-process random one). */
  static async create(ctx: ToolContext, extraKinds?: ExtraKinds): Promise<McpService> {
    const m = ctx.config.mcp;
    const raw = m.state_key ? parseKey(m.state_key)! : crypto.getRandomValues(new Uint8Array(32));
    const confirmation = new Confirmation({ key: raw, ttlSeconds: m.confirm_ttl_s });
    const ids = new TaskIds(await Sealer.fromKey(raw), { ttlMs: m.task_ttl_s * 1000 });
    return new McpService(ctx, confirmation, ids, extraKinds);
  }

  /** Calls `fn` when any principal's tool list changes (privileges of the PVE token). */
  onToolsChanged(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  #toolsChanged(): void {
    for (const s of this.#live) {
      s.sendToolListChanged();
    }
    for (const fn of this.#listeners) fn();
  }

  /** The SDK factory for one principal. */
  factory(p: Principal, mode: ServeMode): (rc?: McpRequestContext) => McpServer {
    return (rc) => this.build(p, mode, rc);
  }

  /** One MCP server instance (see the module doc). */
  build(p: Principal, mode: ServeMode, rc?: McpRequestContext): McpServer {
    const ctx = p.readOnly || this.ctx.config.tools.read_only ? this.readOnlyCtx : this.ctx;
    const vis = ctx === this.ctx ? this.#visibility : this.#readOnlyVisibility;
    const catalog = ToolCatalog.for(ctx);
    const refreshMs = ctx.config.tools.permissions_refresh_s * 1000;
    const server = new McpServer({ name: SERVER_NAME, version: VERSION }, {
      capabilities: { tools: { listChanged: true }, prompts: {}, resources: {} },
      instructions: INSTRUCTIONS + clusterNote(ctx),
      cacheHints: {
        "server/discover": { ttlMs: 300_000, cacheScope: "private" },
        // Fitted to the token: private, and stale once the privileges are read again.
        "tools/list": { ttlMs: refreshMs, cacheScope: "private" },
        "prompts/list": { ttlMs: 3_600_000, cacheScope: "public" },
        "resources/list": { ttlMs: 3_600_000, cacheScope: "public" },
        "resources/templates/list": { ttlMs: 3_600_000, cacheScope: "public" },
        "resources/read": { ttlMs: 5_000, cacheScope: "private" },
      },
      requestState: { verify: this.confirmation.codec.verify },
    });
    const pveKind = pveJobs({
      contextFor: (cluster) => cluster ? contextFor(ctx, cluster) : ctx,
      actor: p.name,
    });
    server.server.setRequestHandler("tools/list", async (_req, sctx) => {
      await vis.ready();
      const appHost = declaresExtension(envelopeOf(sctx), APPS_EXTENSION) ||
        (!isModern(sctx) && legacyDeclares(server, APPS_EXTENSION));
      return { tools: catalog.list(vis.hidden, vis.notes, appHost) as never };
    });
    const deps = {
      ctx,
      catalog,
      principal: p,
      confirmation: this.confirmation,
      ids: this.ids,
      pveKind,
      server,
      legacyCanAsk: mode.legacyCanAsk,
    };
    server.server.setRequestHandler(
      "tools/call",
      async (req, sctx) => await callTool(deps, req.params, sctx) as never,
    );
    registerPrompts(server);
    registerResources(server, ctx);
    registerApps(server);
    // Tasks exist only in the modern era: a 2025 instance does not advertise them.
    if (rc?.era !== "legacy") {
      installTasks(server, {
        ids: this.ids,
        owner: p.name,
        kinds: { pve: pveKind, ...this.extraKinds },
      });
    }
    if (mode.longLived) {
      this.#live.add(server);
      const previous = server.server.onclose;
      server.server.onclose = () => {
        previous?.();
        this.#live.delete(server);
      };
      // After the handshake, not at start-up: start-up itself makes no request.
      server.server.oninitialized = () => void vis.ready();
    }
    return server;
  }
}
