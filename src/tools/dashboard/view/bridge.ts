/// <reference lib="dom" />
/**
 * The view's side of MCP Apps, as small as the dashboard needs: JSON-RPC 2.0
 * over `postMessage` with the host window (`ui/initialize`, then
 * `ui/notifications/initialized`; tool input/result and host-context
 * notifications in; `tools/call` and size changes out). Written against
 * ext-apps' own types, so `deno check` catches a drift from the spec, and
 * exercised against the real `AppBridge` in tests/e2e/dashboard_browser_test.ts;
 * the full `App` class would add ~650 KB (SDK and zod) to every render.
 *
 * @example
 * ```ts ignore
 * const bridge = new ViewBridge(window.parent);
 * bridge.onToolResult = (r) => console.log(r.structuredContent);
 * const ctx = await bridge.connect({ name: "proxmox-dashboard", version: "1" });
 * ```
 *
 * @module
 */

import type {
  McpUiHostContext,
  McpUiInitializeRequest,
  McpUiInitializeResult,
  McpUiSizeChangedNotification,
  McpUiToolResultNotification,
} from "@modelcontextprotocol/ext-apps";

/** ext-apps' LATEST_PROTOCOL_VERSION (2.0.4). */
export const UI_PROTOCOL_VERSION = "2026-01-26";

/** A tool result as the host relays it. */
export type ToolResult = McpUiToolResultNotification["params"];

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

/** One connection to the host; see the module doc. */
export class ViewBridge {
  #next = 1;
  readonly #pending = new Map<number, Pending>();
  onToolResult?: (r: ToolResult) => void;
  onToolInput?: (args: Record<string, unknown>) => void;
  onHostContext?: (c: McpUiHostContext) => void;

  constructor(private readonly host: Window) {
    globalThis.addEventListener("message", (e: MessageEvent) => {
      // Only the embedding host speaks to us; anything else (another frame) is ignored.
      if (e.source !== this.host) return;
      this.#receive(e.data);
    });
  }

  #post(msg: Record<string, unknown>): void {
    // The sandboxed frame has an opaque origin and cannot name the host's: "*" is the spec's way.
    this.host.postMessage({ jsonrpc: "2.0", ...msg }, "*");
  }

  #receive(m: unknown): void {
    if (!m || typeof m !== "object" || (m as { jsonrpc?: unknown }).jsonrpc !== "2.0") return;
    const msg = m as {
      id?: number | string;
      method?: string;
      params?: Record<string, unknown>;
      result?: unknown;
      error?: { message?: string };
    };
    if (msg.method === undefined) {
      const p = this.#pending.get(msg.id as number);
      if (!p) return;
      this.#pending.delete(msg.id as number);
      if (msg.error) p.reject(new Error(msg.error.message ?? "host error"));
      else p.resolve(msg.result);
      return;
    }
    const params = msg.params ?? {};
    switch (msg.method) {
      case "ui/notifications/tool-result":
        this.onToolResult?.(params as ToolResult);
        break;
      case "ui/notifications/tool-input":
        this.onToolInput?.((params.arguments ?? {}) as Record<string, unknown>);
        break;
      case "ui/notifications/host-context-changed":
        this.onHostContext?.(params as McpUiHostContext);
        break;
    }
    if (msg.id === undefined) return;
    // Requests from the host: ping and teardown get an empty answer, the rest "not found".
    if (msg.method === "ping" || msg.method === "ui/resource-teardown") {
      this.#post({ id: msg.id, result: {} });
    } else {
      this.#post({ id: msg.id, error: { code: -32601, message: `not handled: ${msg.method}` } });
    }
  }

  /** Sends a request and waits for its answer. */
  request<T>(method: string, params: Record<string, unknown>): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#post({ id, method, params });
    });
  }

  /** The handshake; resolves with the host's context (theme, dimensions…). */
  async connect(appInfo: { name: string; version: string }): Promise<McpUiHostContext> {
    const params: McpUiInitializeRequest["params"] = {
      appInfo,
      appCapabilities: {},
      protocolVersion: UI_PROTOCOL_VERSION,
    };
    const r = await this.request<McpUiInitializeResult>("ui/initialize", params);
    this.#post({ method: "ui/notifications/initialized", params: {} });
    return r.hostContext ?? {};
  }

  /** Calls a server tool through the host. */
  callTool(name: string, args: Record<string, unknown>): Promise<ToolResult> {
    return this.request<ToolResult>("tools/call", { name, arguments: args });
  }

  /** Tells the host how tall the page is. */
  sizeChanged(height: number): void {
    const params: McpUiSizeChangedNotification["params"] = { height: Math.ceil(height) };
    this.#post({ method: "ui/notifications/size-changed", params });
  }
}
