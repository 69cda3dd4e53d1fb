/**
 * The `cluster` argument, added to every tool when several clusters are
 * configured, without the tools knowing: the input gains an optional
 * `cluster` enum, the output a top-level `cluster` field and a `cluster`
 * field on each item of its lists, and the call runs against that cluster's
 * context. With one cluster nothing changes.
 *
 * @example
 * ```ts ignore
 * const shapes = clusterShapes(tool, ctx);
 * server.registerTool(tool.name, { inputSchema: shapes.input, outputSchema: shapes.output },
 *   (args, extra) => inCluster(tool, args, ctx, (a, c) => invokeTool(tool, a, c, extra)));
 * ```
 *
 * @module
 */

import { z } from "zod/v4";
import type { ToolResult as CallToolResult } from "./invoke.ts";
import type { AnyTool } from "../core/tool.ts";
import type { ToolContext } from "../core/context.ts";
import { clusterNames, isMultiCluster } from "../config/clusters.ts";
import { contextFor } from "../clusters.ts";

/** Input and output shapes as registered. */
export interface ClusterShapes {
  input: z.ZodRawShape;
  output: z.ZodRawShape;
}

interface Plan {
  /** Top-level `cluster` is added (not when the tool's output already has a `cluster` key). */
  topLevel: boolean;
  /** Output keys holding lists of objects whose items get a `cluster` field. */
  itemKeys: string[];
  output: z.ZodRawShape;
}

const plans = new WeakMap<AnyTool, Plan>();
const ITEM_FIELD = z.string().describe("Configured cluster this item comes from");

/** An array of objects (possibly optional/nullable) with `cluster` added to its items. */
function withItemField(schema: z.ZodType): z.ZodType | undefined {
  if (schema instanceof z.ZodOptional) {
    return withItemField(schema.unwrap() as z.ZodType)?.optional();
  }
  if (schema instanceof z.ZodNullable) {
    return withItemField(schema.unwrap() as z.ZodType)?.nullable();
  }
  if (!(schema instanceof z.ZodArray)) return undefined;
  const element = schema.element;
  if (!(element instanceof z.ZodObject) || "cluster" in element.shape) return undefined;
  try {
    return z.array(element.extend({ cluster: ITEM_FIELD }));
  } catch {
    return undefined; // an object with refinements cannot be extended: leave its items alone
  }
}

function planFor(tool: AnyTool): Plan {
  let plan = plans.get(tool);
  if (plan) return plan;
  const output: Record<string, z.ZodType> = {};
  const itemKeys: string[] = [];
  for (const [key, schema] of Object.entries(tool.output as z.ZodRawShape)) {
    const extended = withItemField(schema as z.ZodType);
    if (extended) itemKeys.push(key);
    output[key] = extended ?? (schema as z.ZodType);
  }
  const topLevel = !("cluster" in output);
  if (topLevel) output.cluster = z.string().describe("Configured cluster that answered");
  plan = { topLevel, itemKeys, output };
  plans.set(tool, plan);
  return plan;
}

/** The shapes to register: the tool's own with one cluster, extended with several. */
export function clusterShapes(tool: AnyTool, ctx: ToolContext): ClusterShapes {
  if (!isMultiCluster(ctx.config) || "cluster" in tool.input) {
    return { input: tool.input, output: tool.output };
  }
  const names = clusterNames(ctx.config);
  return {
    input: {
      ...tool.input,
      cluster: z.enum(names as [string, ...string[]]).optional().describe(
        `Configured cluster to ask: ${names.join(", ")} (default ${ctx.config.default_cluster})`,
      ),
    },
    output: planFor(tool).output,
  };
}

/** Adds the cluster name to a successful result, as the extended output schema declares. */
function stamp(result: CallToolResult, plan: Plan, name: string): CallToolResult {
  if (result.isError) {
    return {
      ...result,
      content: result.content.map((c) =>
        c.type === "text" ? { ...c, text: `cluster ${name}: ${c.text}` } : c
      ),
    };
  }
  const data = { ...(result.structuredContent ?? {}) } as Record<string, unknown>;
  if (plan.topLevel) data.cluster = name;
  for (const key of plan.itemKeys) {
    const list = data[key];
    if (Array.isArray(list)) data[key] = list.map((item) => ({ ...item, cluster: name }));
  }
  return {
    ...result,
    content: result.content.map((c, i) =>
      i === 0 && c.type === "text" ? { ...c, text: `[cluster ${name}]\n${c.text}` } : c
    ),
    structuredContent: data,
  };
}

/** Runs `run` in the cluster the arguments name (the default one when absent). */
export async function inCluster(
  tool: AnyTool,
  args: Record<string, unknown>,
  ctx: ToolContext,
  run: (args: Record<string, unknown>, ctx: ToolContext) => Promise<CallToolResult>,
): Promise<CallToolResult> {
  if (!isMultiCluster(ctx.config) || "cluster" in tool.input) return await run(args, ctx);
  const { cluster, ...rest } = args;
  const name = typeof cluster === "string" ? cluster : ctx.config.default_cluster;
  let target: ToolContext;
  try {
    target = contextFor(ctx, name);
  } catch (e) {
    return { content: [{ type: "text", text: (e as Error).message }], isError: true };
  }
  return stamp(await run(rest, target), planFor(tool), name);
}
