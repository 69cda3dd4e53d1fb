/**
 * The tools one server offers, converted once and only when first needed:
 * each tool's strict zod validator (on its first call) and the tools/list
 * entries (JSON Schema of the input as a client sends it, output shape
 * without prose, annotations; on the first list). Stateless HTTP builds an
 * MCP server per request; the catalog lives per configuration, so no request
 * pays twice for schema conversion, and start-up pays for none.
 *
 * @example
 * ```ts ignore
 * const catalog = ToolCatalog.for(ctx);
 * const entry = catalog.get("get_nodes");
 * console.log(catalog.list(new Set()).length);
 * ```
 *
 * @module
 */

import { z } from "zod/v4";
import type { ToolContext } from "../core/context.ts";
import { type AnyTool, isLongRunning } from "../core/tool.ts";
import { selectTools } from "../tools/index.ts";
import { clusterShapes } from "../tools/cluster_scope.ts";
import { compactSchema, outline } from "./list_shaping.ts";
import { disabledActions } from "../tools/aliases.ts";

/** One offered tool. */
export interface CatalogEntry {
  tool: AnyTool;
  /** Validates a call's arguments (strict: unknown keys are refused). */
  validator: z.ZodObject;
  /** Starts a PVE job: answered as an MCP task when the request declares the extension. */
  longRunning: boolean;
}

function listingOf(
  tool: AnyTool,
  input: z.ZodObject,
  output: z.ZodObject,
  offActions: ReadonlySet<string>,
) {
  const inputSchema = compactSchema(
    z.toJSONSchema(input, { io: "input", unrepresentable: "any" }),
  ) as { properties?: Record<string, { enum?: unknown[] }> };
  // Actions switched off by an old name in tools.disabled_tools are not offered either.
  const action = inputSchema.properties?.action;
  if (offActions.size && action?.enum) {
    action.enum = action.enum.filter((v) => !offActions.has(String(v)));
  }
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema,
    outputSchema: outline(z.toJSONSchema(output, { io: "output", unrepresentable: "any" })),
    // The title is the entry's own `title`; repeating it in the annotations only costs bytes.
    annotations: tool.annotations,
    ...(tool.meta && { _meta: tool.meta }),
  };
}

/** Whether MCP Apps' visibility keeps the tool from the model (`_meta.ui.visibility`). */
export function appOnly(tool: AnyTool): boolean {
  const v = (tool.meta?.ui as { visibility?: unknown } | undefined)?.visibility;
  return Array.isArray(v) && !v.includes("model");
}

const built = new WeakMap<ToolContext["config"], ToolCatalog>();

/** The offered tools of one configuration. */
export class ToolCatalog {
  readonly #tools = new Map<string, AnyTool>();
  readonly #entries = new Map<string, CatalogEntry>();
  #listings: Map<string, Record<string, unknown>> | undefined;

  private constructor(private readonly ctx: ToolContext) {
    for (const tool of selectTools(ctx.config)) this.#tools.set(tool.name, tool);
  }

  /** The catalog of `ctx`'s configuration (built on first use, then shared). */
  static for(ctx: ToolContext): ToolCatalog {
    let c = built.get(ctx.config);
    if (!c) built.set(ctx.config, c = new ToolCatalog(ctx));
    return c;
  }

  get(name: string): CatalogEntry | undefined {
    let e = this.#entries.get(name);
    const tool = this.#tools.get(name);
    if (e || !tool) return e;
    e = {
      tool,
      validator: z.strictObject(clusterShapes(tool, this.ctx).input),
      longRunning: isLongRunning(tool),
    };
    this.#entries.set(name, e);
    return e;
  }

  get tools(): AnyTool[] {
    return [...this.#tools.values()];
  }

  /** The tools/list entries, leaving out `hidden`, with per-tool description notes. */
  list(
    hidden: ReadonlySet<string>,
    notes: ReadonlyMap<string, string> = new Map(),
    appHost = false,
  ): Record<string, unknown>[] {
    this.#listings ??= new Map(
      this.tools.map((tool) => {
        const shapes = clusterShapes(tool, this.ctx);
        const off = disabledActions(tool.name, this.ctx.config.tools.disabled_tools ?? []);
        return [
          tool.name,
          listingOf(tool, z.strictObject(shapes.input), z.object(shapes.output), off),
        ];
      }),
    );
    const out: Record<string, unknown>[] = [];
    for (const [name, listing] of this.#listings) {
      if (hidden.has(name)) continue;
      // Every action switched off by old names (all 13 power tools): nothing left to offer.
      const actions = (listing.inputSchema as { properties?: { action?: { enum?: unknown[] } } })
        .properties?.action?.enum;
      if (actions && actions.length === 0) continue;
      const tool = this.#tools.get(name)!;
      // App-only tools (MCP Apps) are for a view's buttons: a host without apps would hand
      // them to the model instead, so they are listed only to hosts that declare apps.
      if (!appHost && appOnly(tool)) continue;
      const note = notes.get(name);
      out.push(note ? { ...listing, description: tool.description + note } : listing);
    }
    return out;
  }
}
