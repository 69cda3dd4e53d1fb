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
const LONG_PATTERN = 40;

/** A copy of a JSON schema without the converter's noise. */
export function compactSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(compactSchema);
  if (!node || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (k === "$schema") continue;
    if ((k === "minimum" && v === -SAFE) || (k === "maximum" && v === SAFE)) continue;
    if (k === "propertyNames" && JSON.stringify(v) === '{"type":"string"}') continue;
    // Long patterns (node names, UPIDs) say in 60+ bytes what the value's source already
    // guarantees; the server checks them and names the format when one is wrong.
    if (k === "pattern" && typeof v === "string" && v.length > LONG_PATTERN) continue;
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

/** JSON Schema keys an output outline keeps: the shape, not the rules. */
const OUTLINE_KEYS = new Set(["type", "properties", "items", "required"]);

/**
 * An output schema cut to its outline: field names and types down to `depth` levels of
 * objects, bare `type` below. Clients compile a validator for every output schema on
 * tools/list (the v1 SDK client in listTools, v2 on the first call): with the answer's field
 * names and types only (the default depth 1), every result still conforms and the 22 default
 * tools compile about 5× faster than with their rows' fields spelled out (bench/surface.ts).
 * `anyOf` of typed branches becomes a `type` list.
 */
export function outline(node: unknown, depth = 1): unknown {
  if (!node || typeof node !== "object" || Array.isArray(node)) return node;
  const n = node as Record<string, unknown>;
  const type = n.type ?? typeOfBranches(n.anyOf);
  if (type === undefined) return {};
  const out: Record<string, unknown> = { type };
  const isObject = type === "object" || (Array.isArray(type) && type.includes("object"));
  if (depth > 0 && isObject && n.properties && typeof n.properties === "object") {
    out.properties = Object.fromEntries(
      Object.entries(n.properties as Record<string, unknown>).map(([k, v]) => [
        k,
        outline(v, depth - 1),
      ]),
    );
    if (Array.isArray(n.required) && depth > 1) out.required = n.required;
  }
  if (n.items && typeof n.items === "object") out.items = outline(n.items, depth);
  for (const k of Object.keys(out)) if (!OUTLINE_KEYS.has(k)) delete out[k];
  return out;
}

function typeOfBranches(any: unknown): unknown {
  if (!Array.isArray(any)) return undefined;
  const types = any.flatMap((a) => {
    const t = (a as { type?: unknown } | null)?.type;
    return Array.isArray(t) ? t : t === undefined ? [undefined] : [t];
  });
  if (types.includes(undefined)) return undefined;
  const unique = [...new Set(types)];
  return unique.length === 1 ? unique[0] : unique;
}
