/**
 * The tools/list answer, shaped: JSON Schema noise the converter adds
 * (`$schema`, safe-integer bounds on every integer, `propertyNames` of plain
 * records) is dropped, since every tool definition is read by the model on
 * every turn.
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
  // `anyOf: [{type: "integer"}, {type: "string"}]` says no more than `type: [...]`, in half the bytes.
  const any = out.anyOf;
  if (
    Array.isArray(any) && out.type === undefined &&
    any.every((a) => a && typeof a === "object" && Object.keys(a).join() === "type")
  ) {
    delete out.anyOf;
    out.type = any.map((a) => (a as { type: unknown }).type);
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
