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
 * The tools themselves (catalog, visibility, the tools/call pipeline) are a
 * separate module, `tool_layer.ts`, imported on first need: building the
 * service and answering the handshake load none of them.
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
import { watchersOf } from "./tool_visibility.ts";
import type { ToolSide } from "./tool_layer.ts";
import { Confirmation } from "./confirmation.ts";
import type { Principal } from "./tool_call.ts";
import { TaskIds } from "./tasks/ids.ts";
import { installTasks, type TaskKind } from "./tasks/protocol.ts";
import { registerPrompts, registerResources } from "./prompts.ts";
import { registerApps } from "./apps.ts";
import { clusterNote, INSTRUCTIONS } from "./instructions.ts";
import { MemoryReducer } from "../platform/memory_reducer.ts";
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

/** The loaded tool layer: both configurations' sides and the call pipeline. */
interface Tools {
  full: ToolSide;
  readOnly: ToolSide;
  callTool: typeof import("./tool_layer.ts").callTool;
  pveJobs: typeof import("./tool_layer.ts").pveJobs;
}

/**
 * A task kind whose implementation is loaded by its first use. The tasks methods read
 * `pollIntervalMs` only after a `get` (src/mcp/tasks/protocol.ts), and tools/call hands the
 * loaded kind itself to the call pipeline, so the value is there whenever it is read.
 */
function lazyKind(load: () => Promise<TaskKind>): TaskKind {
  let kind: TaskKind | undefined;
  const real = async () => kind ??= await load();
  return {
    get pollIntervalMs(): number {
      if (!kind) throw new Error("a task kind's poll interval was read before it was loaded");
      return kind.pollIntervalMs;
    },
    get: async (f) => await (await real()).get(f),
    cancel: async (f) => await (await real()).cancel(f),
    update: async (f, responses) => await (await real()).update?.(f, responses),
  };
}

/** Process-wide MCP state; see the module doc. */
export class McpService {
  readonly readOnlyCtx: ToolContext;
  #tools: Promise<Tools> | undefined;
  readonly #warm = new Set<ToolSide>();
  readonly #live = new Set<McpServer>();
  readonly #listeners = new Set<() => void>();
  /** Collects once tool calls stop after ones that grew the heap (src/platform/memory_reducer.ts). */
  readonly memory = new MemoryReducer();

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
  }

  /** The tool layer, imported once on first need (see the module doc). */
  #toolLayer(): Promise<Tools> {
    return this.#tools ??= import("./tool_layer.ts").then((m) => {
      const full = m.toolSide(this.ctx);
      const readOnly = m.toolSide(this.readOnlyCtx);
      const changed = () => this.#toolsChanged();
      full.visibility.onChange(changed);
      readOnly.visibility.onChange(changed);
      return { full, readOnly, callTool: m.callTool, pveJobs: m.pveJobs };
    });
  }

  /**
   * After the handshake: the token's privileges are read while the tool layer loads and the
   * tools/list entries are converted, so the first tools/list waits for the slower of the two.
   */
  async #warmUp(ctx: ToolContext): Promise<ToolSide> {
    for (const w of watchersOf(ctx)) void w.ensureFresh();
    const t = await this.#toolLayer();
    const side = ctx === this.ctx ? t.full : t.readOnly;
    if (!this.#warm.has(side)) {
      this.#warm.add(side);
      side.catalog.list(new Set());
    }
    return side;
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
    let pve: Promise<TaskKind> | undefined;
    const loadPve = () =>
      pve ??= this.#toolLayer().then((t) =>
        t.pveJobs({
          contextFor: (cluster) => cluster ? contextFor(ctx, cluster) : ctx,
          actor: p.name,
        })
      );
    server.server.setRequestHandler("tools/list", async (_req, sctx) => {
      const { catalog, visibility: vis } = await this.#warmUp(ctx);
      await vis.ready();
      const appHost = declaresExtension(envelopeOf(sctx), APPS_EXTENSION) ||
        (!isModern(sctx) && legacyDeclares(server, APPS_EXTENSION));
      return { tools: catalog.list(vis.hidden, vis.notes, appHost) as never };
    });
    server.server.setRequestHandler("tools/call", async (req, sctx) => {
      // A 10,000-guest listing leaves ~20 MB behind: given back once calls stop.
      const end = this.memory.begin();
      try {
        const tools = await this.#toolLayer();
        const deps = {
          ctx,
          catalog: (ctx === this.ctx ? tools.full : tools.readOnly).catalog,
          principal: p,
          confirmation: this.confirmation,
          ids: this.ids,
          pveKind: await loadPve(),
          server,
          legacyCanAsk: mode.legacyCanAsk,
        };
        return await tools.callTool(deps, req.params, sctx) as never;
      } finally {
        end();
      }
    });
    registerPrompts(server);
    registerResources(server, ctx);
    registerApps(server);
    // Tasks exist only in the modern era: a 2025 instance does not advertise them.
    if (rc?.era !== "legacy") {
      installTasks(server, {
        ids: this.ids,
        owner: p.name,
        kinds: { pve: lazyKind(loadPve), ...this.extraKinds },
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
      // A failure here shows in the tools/list that follows; it must not end the process.
      server.server.oninitialized = () => void this.#warmUp(ctx).catch(() => {});
    }
    return server;
  }
}
