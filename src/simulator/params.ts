/**
 * Request parameters as pve-http-server reads them and as PVE's JSONSchema
 * verifies them. Shared by the simulator (400 answers) and `schema_check.ts`.
 *
 * @module
 */

/** Parameters of one request: repeated keys become arrays. */
export type Params = Record<string, string | string[]>;

/** The subset of a schema parameter the checks use (matches the project's `ParamSpec`). */
export interface ParamRule {
  type?: string;
  optional?: boolean | number;
  enum?: readonly string[];
  minimum?: number | string;
  maximum?: number | string;
  format?: unknown;
  pattern?: string;
  maxLength?: number | string;
}

/** Appends `value` under `key`, turning a repeated key into an array. */
export function addParam(out: Params, key: string, value: string): void {
  const old = out[key];
  if (old === undefined) out[key] = value;
  else if (Array.isArray(old)) old.push(value);
  else out[key] = [old, value];
}

/** Parses a query string or a form-urlencoded body. */
export function parseUrlEncoded(text: string): Params {
  const out: Params = {};
  for (const [k, v] of new URLSearchParams(text)) addParam(out, k, v);
  return out;
}

/** Parses a JSON body: scalars become strings (booleans `1`/`0`), arrays stay arrays. */
export function parseJsonBody(text: string): Params {
  const obj = JSON.parse(text);
  if (!obj || typeof obj !== "object" || Array.isArray(obj)) {
    throw new Error("JSON body is not an object");
  }
  const out: Params = {};
  const str = (v: unknown) =>
    typeof v === "boolean"
      ? (v ? "1" : "0")
      : typeof v === "object"
      ? JSON.stringify(v)
      : String(v);
  for (const [k, v] of Object.entries(obj)) {
    if (v === null || v === undefined) continue;
    out[k] = Array.isArray(v) ? v.map(str) : str(v);
  }
  return out;
}

// PVE patterns are Perl; `(?^:...)` (default flags group) is the only construct
// in the schema JS lacks. Patterns that still fail to compile are skipped.
const patternCache = new Map<string, RegExp | null>();
function compilePattern(p: string): RegExp | null {
  let re = patternCache.get(p);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${p.replaceAll("(?^:", "(?:")})$`);
    } catch {
      re = null;
    }
    patternCache.set(p, re);
  }
  return re;
}

// The few formats worth checking: those that guard paths and ids.
const FORMATS: Record<string, [RegExp, (v: string) => string]> = {
  "pve-node": [
    /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9\-]*[a-zA-Z0-9])?)$/,
    () => "value does not look like a valid node name",
  ],
  "pve-storage-id": [
    /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i,
    (v) => `storage ID '${v}' contains illegal characters`,
  ],
  "pve-configid": [/^[a-z][a-z0-9_-]+$/i, (v) => `invalid configuration ID '${v}'`],
  "pve-poolid": [/^[A-Za-z0-9.\-_]+$/, (v) => `pool name '${v}' contains invalid characters`],
};

const TRUE = /^(1|true|yes|on)$/i;
const FALSE = /^(0|false|no|off)$/i;

/** Checks one value; returns PVE's error text or undefined. */
export function checkValue(rule: ParamRule, value: string | string[]): string | undefined {
  if (rule.type === "array") return undefined; // scalars are wrapped; items are free text here
  // pve-http-server joins repeated keys with NUL: a non-array parameter then fails its checks.
  const v = Array.isArray(value) ? value.join("\0") : value;
  switch (rule.type) {
    case "integer":
      if (!/^-?\d+$/.test(v)) return `type check ('integer') failed - got '${v}'`;
      break;
    case "number":
      if (!/^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) {
        return `type check ('number') failed - got '${v}'`;
      }
      break;
    case "boolean":
      if (!TRUE.test(v) && !FALSE.test(v)) return `type check ('boolean') failed - got '${v}'`;
      break;
  }
  if (rule.type === "integer" || rule.type === "number") {
    const n = Number(v);
    if (rule.minimum !== undefined && n < Number(rule.minimum)) {
      return `value must have a minimum value of ${rule.minimum}`;
    }
    if (rule.maximum !== undefined && n > Number(rule.maximum)) {
      return `value must have a maximum value of ${rule.maximum}`;
    }
  }
  if (rule.enum && !rule.enum.includes(v)) {
    return `value '${v}' does not have a value in the enumeration '${rule.enum.join(", ")}'`;
  }
  if (rule.maxLength !== undefined && v.length > Number(rule.maxLength)) {
    return `value may only be ${rule.maxLength} characters long`;
  }
  if (rule.pattern) {
    const re = compilePattern(rule.pattern);
    if (re && !re.test(v)) return `value does not match the regex pattern`;
  }
  if (typeof rule.format === "string" && FORMATS[rule.format]) {
    const [re, msg] = FORMATS[rule.format];
    if (!re.test(v)) return msg(v);
  }
  return undefined;
}

/**
 * Verifies `params` against a schema's properties, as `PVE::JSONSchema::validate`
 * does with `additionalProperties: 0`. Returns the `errors` map (empty when valid).
 */
export function verifyParams(
  rules: Record<string, ParamRule>,
  params: Params,
  additionalProperties = false,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [name, rule] of Object.entries(rules)) {
    const v = params[name];
    if (v === undefined) {
      if (!rule.optional) errors[name] = "property is missing and it is not optional";
      continue;
    }
    const err = checkValue(rule, v);
    if (err) errors[name] = err;
  }
  if (!additionalProperties) {
    for (const name of Object.keys(params)) {
      // The schema writes numbered keys once, as `net[n]`: net0, net1, ... follow that rule.
      const numbered = name.replace(/\d+$/, "[n]");
      if (numbered !== name && numbered in rules) {
        const err = checkValue(rules[numbered], params[name]);
        if (err) errors[name] = err;
        continue;
      }
      if (!(name in rules)) {
        errors[name] =
          "property is not defined in schema and the schema does not allow additional properties";
      }
    }
  }
  return errors;
}

/** Reads a validated boolean parameter (`1|true|yes|on`). */
export const boolParam = (v: string | string[] | undefined): boolean | undefined =>
  v === undefined ? undefined : TRUE.test(String(v));

/** Reads a validated integer parameter. */
export const intParam = (v: string | string[] | undefined): number | undefined =>
  v === undefined ? undefined : parseInt(String(v), 10);
