/**
 * The JSON-schema subset tool input schemas use (zod v4's `toJSONSchema`
 * output) and `conforms`, a validator for it: a fuzz test knows from it whether
 * the server must refuse an argument set before any API request.
 *
 * @example
 * ```ts
 * import { conforms } from "./json_schema.ts";
 * const s = { type: "integer", minimum: 100 };
 * console.log(conforms(s, 100), conforms(s, 99), conforms(s, "100")); // true false false
 * ```
 *
 * @module
 */

/** The JSON-schema subset tools publish (zod v4's `toJSONSchema` output). */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
  [k: string]: unknown;
}
/**
 * Whether `v` conforms to `s`, for the subset zod emits; undefined when `s` uses
 * keywords this validator does not know (then the caller must not rely on it).
 */
export function conforms(s: JsonSchema, v: unknown): boolean | undefined {
  for (const k of ["$ref", "not", "if", "format", "patternProperties", "dependentRequired"]) {
    if (k in s) return undefined;
  }
  const all = (rs: (boolean | undefined)[]) =>
    rs.includes(false) ? false : rs.includes(undefined) ? undefined : true;
  if (s.allOf) {
    const r = all(s.allOf.map((x) => conforms(x, v)));
    if (r !== true) return r;
  }
  if (s.anyOf || s.oneOf) {
    const rs = (s.anyOf ?? s.oneOf)!.map((x) => conforms(x, v));
    const n = rs.filter((r) => r === true).length;
    if (rs.includes(undefined)) return undefined;
    if (s.oneOf ? n !== 1 : n === 0) return false;
  }
  if (s.const !== undefined && JSON.stringify(s.const) !== JSON.stringify(v)) return false;
  if (s.enum && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) return false;
  if (s.type) {
    const ok = (Array.isArray(s.type) ? s.type : [s.type]).some((t) => isType(t, v));
    if (!ok) return false;
  }
  if (typeof v === "string") return stringConforms(s, v);
  if (typeof v === "number") return numberConforms(s, v);
  if (Array.isArray(v)) {
    if (s.minItems !== undefined && v.length < s.minItems) return false;
    if (s.maxItems !== undefined && v.length > s.maxItems) return false;
    return s.items ? all(v.map((x) => conforms(s.items!, x))) : true;
  }
  if (v && typeof v === "object") return objectConforms(s, v as Record<string, unknown>, all);
  return true;
}

function isType(t: string, v: unknown): boolean {
  switch (t) {
    case "string":
      return typeof v === "string";
    case "integer":
      return typeof v === "number" && Number.isInteger(v);
    case "number":
      return typeof v === "number" && Number.isFinite(v);
    case "boolean":
      return typeof v === "boolean";
    case "null":
      return v === null;
    case "array":
      return Array.isArray(v);
    case "object":
      return v !== null && typeof v === "object" && !Array.isArray(v);
    default:
      return false;
  }
}

function stringConforms(s: JsonSchema, v: string): boolean | undefined {
  // JSON Schema counts code points, zod counts UTF-16 units: undecidable near the bound.
  const astral = /[\uD800-\uDFFF]/.test(v);
  if (s.minLength !== undefined && v.length < s.minLength) return astral ? undefined : false;
  if (s.maxLength !== undefined && v.length > s.maxLength) return astral ? undefined : false;
  // Without the `u` flag, as zod (and the server) test their patterns.
  if (s.pattern !== undefined && !new RegExp(s.pattern).test(v)) return false;
  return true;
}

function numberConforms(s: JsonSchema, v: number): boolean {
  if (s.minimum !== undefined && v < s.minimum) return false;
  if (s.maximum !== undefined && v > s.maximum) return false;
  if (s.exclusiveMinimum !== undefined && v <= s.exclusiveMinimum) return false;
  if (s.exclusiveMaximum !== undefined && v >= s.exclusiveMaximum) return false;
  if (s.multipleOf !== undefined && !Number.isInteger(v / s.multipleOf)) return false;
  return true;
}

function objectConforms(
  s: JsonSchema,
  v: Record<string, unknown>,
  all: (rs: (boolean | undefined)[]) => boolean | undefined,
): boolean | undefined {
  for (const k of s.required ?? []) if (!(k in v)) return false;
  const results: (boolean | undefined)[] = [];
  for (const [k, x] of Object.entries(v)) {
    const p = s.properties?.[k];
    if (p) results.push(conforms(p, x));
    else if (s.additionalProperties === false) return false;
    else if (s.additionalProperties && typeof s.additionalProperties === "object") {
      results.push(conforms(s.additionalProperties, x));
    }
  }
  return all(results);
}
