/**
 * The tools one server offers, converted once: each tool's strict zod
 * validator and its tools/list entry (JSON Schema of the input as a client
 * sends it, output shape without prose, annotations). Stateless HTTP builds
 * an MCP server per request; the catalog is built once per configuration, so
 * no request pays for schema conversion.
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
import { compactSchema, withoutDescriptions } from "./list_shaping.ts";

/** One offered tool. */
export interface CatalogEntry {
  tool: AnyTool;
  /** Validates a call's arguments (strict: unknown keys are refused). */
  validator: z.ZodObject;
  /** Starts a PVE job: answered as an MCP task when the request declares the extension. */
  longRunning: boolean;
  /** The tools/list entry. */
  listing: Record<string, unknown>;
}

function listingOf(tool: AnyTool, input: z.ZodObject, output: z.ZodObject) {
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: compactSchema(z.toJSONSchema(input, { io: "input", unrepresentable: "any" })),
    outputSchema: withoutDescriptions(
      compactSchema(z.toJSONSchema(output, { io: "output", unrepresentable: "any" })),
    ),
    annotations: { title: tool.title, ...tool.annotations },
  };
}

const built = new WeakMap<ToolContext["config"], ToolCatalog>();

/** The offered tools of one configuration. */
export class ToolCatalog {
  readonly #entries = new Map<string, CatalogEntry>();

  private constructor(ctx: ToolContext) {
    for (const tool of selectTools(ctx.config)) {
      const shapes = clusterShapes(tool, ctx);
      const validator = z.strictObject(shapes.input);
      this.#entries.set(tool.name, {
        tool,
        validator,
        longRunning: isLongRunning(tool),
        listing: listingOf(tool, validator, z.object(shapes.output)),
      });
    }
  }

  /** The catalog of `ctx`'s configuration (built on first use, then shared). */
  static for(ctx: ToolContext): ToolCatalog {
    let c = built.get(ctx.config);
    if (!c) built.set(ctx.config, c = new ToolCatalog(ctx));
    return c;
  }

  get(name: string): CatalogEntry | undefined {
    return this.#entries.get(name);
  }

  get tools(): AnyTool[] {
    return [...this.#entries.values()].map((e) => e.tool);
  }

  /** The tools/list entries, leaving out `hidden`, with per-tool description notes. */
  list(
    hidden: ReadonlySet<string>,
    notes: ReadonlyMap<string, string> = new Map(),
  ): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (const [name, e] of this.#entries) {
      if (hidden.has(name)) continue;
      const note = notes.get(name);
      out.push(note ? { ...e.listing, description: e.tool.description + note } : e.listing);
    }
    return out;
  }
}
