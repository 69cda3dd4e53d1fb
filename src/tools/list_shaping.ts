/**
 * The tools/list answer, shaped: JSON Schema noise the SDK's converter adds
 * (`$schema`, safe-integer bounds on every integer, `propertyNames` of plain
 * records) is dropped, since every tool definition is read by the model on
 * every turn. Also the hook that lets tools/list wait for something first.
 *
 * @example
 * ```ts
 * import { compactSchema } from "./list_shaping.ts";
 * const s = compactSchema({ $schema: "x", type: "integer", minimum: -9007199254740991 });
 * console.log(JSON.stringify(s)); // {"type":"integer"}
 * ```
 *
 * @module
 */

import type { McpServer } from "../sdk.ts";

const SAFE = Number.MAX_SAFE_INTEGER;

/** A copy of a JSON schema without the converter's noise. */
export function compactSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(compactSchema);
  if (!node || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (k === "$schema") continue;
    if ((k === "minimum" && v === -SAFE) || (k === "maximum" && v === SAFE)) continue;
    if (k === "propertyNames" && JSON.stringify(v) === '{"type":"string"}') continue;
    out[k] = compactSchema(v);
  }
  return out;
}

/**
 * An output schema without its field descriptions: clients validate results with it, while
 * models learn a result's meaning from the result itself, so the prose only costs bytes.
 */
export function withoutDescriptions(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDescriptions);
  if (!node || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (k === "description" && typeof v === "string") continue;
    // Inside `properties`, keys are field names (a field may be called "description").
    out[k] = k === "properties" && v && typeof v === "object"
      ? Object.fromEntries(
        Object.entries(v as Record<string, unknown>).map(([f, s]) => [f, withoutDescriptions(s)]),
      )
      : withoutDescriptions(v);
  }
  return out;
}

type Handler = (req: unknown, extra: unknown) => unknown;

/**
 * Wraps the server's tools/list handler: `before` runs (bounded by the caller) before each
 * list, and schemas are compacted. Must be called after the tools are registered.
 */
export function shapeToolsList(
  server: McpServer,
  fit?: { before: () => Promise<unknown>; hidden: () => ReadonlySet<string> },
): void {
  // The SDK keeps handlers in a private map; if that ever changes, lists stay as the SDK makes them.
  const handlers = (server.server as unknown as { _requestHandlers?: Map<string, Handler> })
    ._requestHandlers;
  const original = handlers?.get("tools/list");
  if (!handlers || !original) return;
  // Converting every zod schema costs hundreds of ms per list: keep the answer until a tool
  // changes (enable/disable/update all go through sendToolListChanged).
  let cached: unknown;
  const notify = server.sendToolListChanged.bind(server);
  server.sendToolListChanged = () => {
    cached = undefined;
    notify();
  };
  handlers.set("tools/list", async (req, extra) => {
    if (fit) await fit.before();
    if (cached) return cached;
    const result = await original(req, extra) as { tools?: Array<Record<string, unknown>> };
    if (!result?.tools) return result;
    cached = {
      ...result,
      tools: result.tools.filter((t) => !fit?.hidden().has(String(t.name))).map((t) => ({
        ...t,
        inputSchema: compactSchema(t.inputSchema),
        ...(t.outputSchema
          ? { outputSchema: withoutDescriptions(compactSchema(t.outputSchema)) }
          : {}),
      })),
    };
    return cached;
  });
}
