/**
 * A tool list fitted to the token: a tool whose every use needs a privilege
 * the token holds nowhere is hidden (`tools.hide_unpermitted`, default true)
 * or, when hiding is off, listed with a note. Hidden tools stay callable: a
 * stale call gets the missing privilege and the `pveum` fix as a tool
 * result. Listeners hear of every change (list_changed in both eras).
 *
 * @example
 * ```ts ignore
 * const vis = new ToolVisibility(catalog.tools, ctx);
 * vis.onChange(() => server.sendToolListChanged());
 * await vis.ready();
 * catalog.list(vis.hidden, vis.notes);
 * ```
 *
 * @module
 */

import type { AnyTool } from "../core/tool.ts";
import type { ToolContext } from "../core/context.ts";
import type { PermissionWatcher } from "../safety/permission_watch.ts";

/** How long the first tools/list waits for the token's privileges before answering anyway. */
const FIRST_LIST_WAIT_MS = 2_000;

/** Whether some watched cluster lets the token use `tool` (unknown counts as yes). */
export function permitted(tool: AnyTool, watchers: readonly PermissionWatcher[]): boolean {
  if (!tool.privileges.length || !watchers.length) return true;
  return watchers.some((w) =>
    !w.snapshot || tool.privileges.some((p) => w.snapshot!.holdsAnywhere(p))
  );
}

/** Every distinct permission watcher of `ctx` and its clusters. */
export function watchersOf(ctx: ToolContext): PermissionWatcher[] {
  const all = [ctx.permissions, ...[...(ctx.clusters?.values() ?? [])].map((c) => c.permissions)];
  return [...new Set(all.filter((w): w is PermissionWatcher => w !== undefined))];
}

/** The hidden set and notes of one tool list, kept current. */
export class ToolVisibility {
  readonly #watchers: PermissionWatcher[];
  readonly #listeners = new Set<() => void>();
  #hidden: ReadonlySet<string> = new Set();
  #notes: ReadonlyMap<string, string> = new Map();
  #fingerprint = "";

  constructor(private readonly tools: readonly AnyTool[], private readonly ctx: ToolContext) {
    this.#watchers = watchersOf(ctx);
    this.#apply();
    for (const w of this.#watchers) w.onChange(() => this.#apply());
  }

  get hidden(): ReadonlySet<string> {
    return this.#hidden;
  }

  get notes(): ReadonlyMap<string, string> {
    return this.#notes;
  }

  /** Calls `fn` whenever the list changes; returns an unsubscribe function. */
  onChange(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** Refreshes the privileges if stale, waiting at most a bounded time (never throws). */
  async ready(): Promise<void> {
    if (!this.#watchers.length) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(this.#watchers.map((w) => w.ensureFresh())),
      new Promise((r) => (timer = setTimeout(r, FIRST_LIST_WAIT_MS))),
    ]);
    clearTimeout(timer);
  }

  #apply(): void {
    const refused = this.tools.filter((t) => !permitted(t, this.#watchers));
    const hide = this.ctx.config.tools.hide_unpermitted;
    this.#hidden = new Set(hide ? refused.map((t) => t.name) : []);
    this.#notes = new Map(
      hide ? [] : refused.map((t) => [
        t.name,
        ` (The API token holds none of ${t.privileges.join(", ")}: calls will be refused ` +
        "until an admin grants one.)",
      ]),
    );
    const fp = refused.map((t) => t.name).join(",");
    if (fp === this.#fingerprint) return;
    this.#fingerprint = fp;
    for (const fn of this.#listeners) fn();
  }
}
