/**
 * A tool list fitted to the token: a tool whose every use needs a privilege
 * the token holds nowhere is hidden (`tools.hide_unpermitted`, default true)
 * or, when hiding is off, listed with a note. Re-applied whenever the
 * privileges change; the SDK then sends `notifications/tools/list_changed`.
 *
 * @example
 * ```ts ignore
 * const handles = registerTools(server, tools, ctx);
 * fitToPermissions(server, handles, ctx);
 * ```
 *
 * @module
 */

import type { McpServer, RegisteredTool } from "../sdk.ts";
import type { AnyTool } from "../tools/registry.ts";
import type { ToolContext } from "../tools/context.ts";
import type { PermissionWatcher } from "./permission_watch.ts";

/** A registered tool and its definition. */
export interface ToolHandle {
  tool: AnyTool;
  handle: RegisteredTool;
}

/** How long the first tools/list waits for the token's privileges before answering anyway. */
const FIRST_LIST_WAIT_MS = 2_000;

/** Whether some watched cluster lets the token use `tool` (unknown counts as yes). */
export function permitted(tool: AnyTool, watchers: readonly PermissionWatcher[]): boolean {
  if (!tool.privileges.length || !watchers.length) return true;
  return watchers.some((w) =>
    !w.snapshot || tool.privileges.some((p) => w.snapshot!.holdsAnywhere(p))
  );
}

function watchersOf(ctx: ToolContext): PermissionWatcher[] {
  const all = [ctx.permissions, ...[...(ctx.clusters?.values() ?? [])].map((c) => c.permissions)];
  return [...new Set(all.filter((w): w is PermissionWatcher => w !== undefined))];
}

/** How tools/list is fitted: what to await first, and which tools to leave out. */
export interface ListFit {
  /** Awaited (bounded) before a list, so the first list is already fitted. */
  before: () => Promise<void>;
  /** Tools left out of the list. They stay callable: a call gets the missing privilege and
   * the `pveum` fix as a tool result, not a protocol error. */
  hidden: () => ReadonlySet<string>;
}

/** Hides (or annotates) tools the token cannot use, now and whenever privileges change. */
export function fitToPermissions(
  server: McpServer,
  handles: ReadonlyMap<string, ToolHandle>,
  ctx: ToolContext,
): ListFit | undefined {
  const watchers = watchersOf(ctx);
  if (!watchers.length) return undefined;
  const hide = ctx.config.tools.hide_unpermitted;
  let hidden: ReadonlySet<string> = new Set();
  const apply = () => {
    if (hide) {
      const next = new Set(
        [...handles.values()].filter(({ tool }) => !permitted(tool, watchers)).map(({ tool }) =>
          tool.name
        ),
      );
      if (next.size !== hidden.size || [...next].some((n) => !hidden.has(n))) {
        hidden = next;
        server.sendToolListChanged();
      }
      return;
    }
    for (const { tool, handle } of handles.values()) {
      const ok = permitted(tool, watchers);
      const note = ok ? "" : ` (The API token holds none of ${tool.privileges.join(", ")}: ` +
        "calls will be refused until an admin grants one.)";
      if (handle.description !== tool.description + note) {
        handle.update({ description: tool.description + note });
      }
    }
  };
  apply();
  const unsubscribe = watchers.map((w) => w.onChange(apply));
  const refresh = () => Promise.all(watchers.map((w) => w.ensureFresh()));
  const previousInit = server.server.oninitialized;
  server.server.oninitialized = () => {
    previousInit?.();
    void refresh(); // after the handshake: start-up itself makes no request
  };
  const previousClose = server.server.onclose;
  server.server.onclose = () => {
    previousClose?.();
    for (const u of unsubscribe) u();
  };
  return { before: boundedWait(refresh), hidden: () => hidden };
}

/** Lets tools/list wait (bounded) for the privileges, so the first list is already fitted. */
function boundedWait(refresh: () => Promise<unknown>): () => Promise<void> {
  return async () => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      refresh(),
      new Promise((r) => (timer = setTimeout(r, FIRST_LIST_WAIT_MS))),
    ]);
    clearTimeout(timer);
  };
}
