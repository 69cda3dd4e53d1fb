/**
 * A small declarative validator for the configuration: plain-object field
 * descriptors and one {@linkcode check}. It replaces zod here because building
 * zod schemas at import and running them cost several milliseconds of every
 * cold start; these descriptors cost next to nothing. Every problem is found
 * in one run (a bad value never hides the next one).
 *
 * @example
 * ```ts
 * import { check, int, optional, strictObject, str, withDefault } from "./spec.ts";
 * const S = strictObject({ port: withDefault(int(1, 65535), 8006), name: optional(str()) });
 * console.log(S.parse({ port: "8007" }).port); // 8007
 * console.log(check(S, { port: 0, x: 1 }, []).issues.map((i) => i.message));
 * // ["must be at least 1", "unknown keys"]
 * ```
 *
 * @module
 */

/** Where a problem is: object keys and array indexes from the document root. */
export type Path = (string | number)[];

/** One problem found by {@linkcode check}. */
export interface Issue {
  path: Path;
  code: "unrecognized_keys" | "missing" | "invalid";
  /** The unknown keys, for `unrecognized_keys`. */
  keys?: string[];
  message: string;
}

/**
 * A descriptor. `T` is the validated type and `O` whether the key may be absent from the output;
 * both exist only for {@linkcode Infer}.
 */
export interface Spec<T = unknown, O extends boolean = boolean> {
  readonly kind: string;
  readonly __type?: T;
  readonly __optional?: O;
}

/** The validated type of a descriptor. */
export type Infer<S> = S extends Spec<infer T> ? T : never;

type Shape = Record<string, Spec>;
type Flat<T> = { [K in keyof T]: T[K] };
type ObjectOf<S extends Shape> = Flat<
  & { [K in keyof S as S[K] extends Spec<unknown, true> ? never : K]: Infer<S[K]> }
  & { [K in keyof S as S[K] extends Spec<unknown, true> ? K : never]?: Infer<S[K]> }
>;

/** What `safeParse` answers. */
export type ParseResult<T> = { success: true; data: T } | {
  success: false;
  error: { issues: Issue[] };
};

/** A strict object: refuses unknown keys, and names its keys for "did you mean" hints. */
export interface ObjectSpec<S extends Shape = Shape> extends Spec<ObjectOf<S>, false> {
  readonly kind: "object";
  readonly shape: S;
  readonly keys: readonly string[];
  /** Checks across keys; runs whenever the value is an object, on the best-effort result. */
  readonly refine?: (value: ObjectOf<S>, issue: (issue: Issue) => void) => void;
  /** The validated value; throws a {@linkcode SpecError} listing every problem. */
  parse(value: unknown): ObjectOf<S>;
  safeParse(value: unknown): ParseResult<ObjectOf<S>>;
}

/** Thrown by `parse`. */
export class SpecError extends Error {
  constructor(readonly issues: Issue[]) {
    super(issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("\n"));
    this.name = "SpecError";
  }
}

/** A rule with its own message, or just the limit (a plain message then). */
type Rule<T> = T | readonly [T, string];

/** Options of {@linkcode str}; checks run in this order and all report. */
export interface StrOptions {
  /** Trim before checking; the trimmed text is the value. */
  trim?: boolean;
  min?: Rule<number>;
  max?: Rule<number>;
  regex?: Rule<RegExp>;
  /** A last check: the problem's message, or undefined. */
  check?: (text: string) => string | undefined;
}

interface Leaf {
  readonly kind: "int" | "num" | "bool" | "str" | "enum";
  readonly min?: number;
  readonly max?: number;
  readonly str?: StrOptions;
  readonly values?: readonly string[];
  readonly message?: string;
}
interface Wrapper {
  readonly kind: "array" | "record" | "optional" | "default" | "orEmpty" | "pre" | "refine";
  readonly of: Spec;
  readonly value?: unknown;
  readonly pre?: (v: unknown) => unknown;
  readonly test?: (v: never) => string | undefined;
}
type Any = Leaf | Wrapper | ObjectSpec;

/** A whole number, or a numeric string (from `${VAR}` substitution), from min to max. */
export const int = (min: number, max: number): Spec<number, false> =>
  ({ kind: "int", min, max }) as Leaf;

/** A number, or a numeric string, from min to max. */
export const num = (min: number, max: number): Spec<number, false> =>
  ({ kind: "num", min, max }) as Leaf;

/** A boolean, or "true"/"false"/"1"/"0"/"yes"/"no"/"on"/"off" (any case). */
export const bool = (): Spec<boolean, false> => ({ kind: "bool" }) as Leaf;

/** A string. */
export const str = (options: StrOptions = {}): Spec<string, false> =>
  ({ kind: "str", str: options }) as Leaf;

/** One of fixed strings; `message` replaces the listing of them. */
export const enumOf = <const V extends readonly string[]>(
  values: V,
  message?: string,
): Spec<V[number], false> => ({ kind: "enum", values, message }) as Leaf;

/** A list (JSON array). */
export const array = <S extends Spec>(of: S): Spec<Infer<S>[], false> =>
  ({ kind: "array", of }) as Wrapper;

/** An object of any keys, each value checked by `of`. */
export const record = <S extends Spec>(of: S): Spec<Record<string, Infer<S>>, false> =>
  ({ kind: "record", of }) as Wrapper;

/** The key may be absent. */
export const optional = <T>(of: Spec<T>): Spec<T, true> => ({ kind: "optional", of }) as Wrapper;

/** Absent: `value` (a fresh shallow copy, not checked: defaults are typed by the caller). */
export const withDefault = <T>(of: Spec<T>, value: T): Spec<T, false> =>
  ({ kind: "default", of, value }) as Wrapper;

/** Absent: checked as `{}`, so the section's own defaults fill it in. */
export const orEmpty = <T>(of: Spec<T>): Spec<T, false> => ({ kind: "orEmpty", of }) as Wrapper;

/** Rewrites a present value before `of` checks it (spelling variants). */
export const pre = <T, O extends boolean>(
  fn: (v: unknown) => unknown,
  of: Spec<T, O>,
): Spec<T, O> => ({ kind: "pre", of, pre: fn }) as Wrapper;

/** A further check of a value `of` accepted: the problem's message, or undefined. */
export const refine = <T, O extends boolean>(
  of: Spec<T, O>,
  test: (v: T) => string | undefined,
): Spec<T, O> => ({ kind: "refine", of, test }) as Wrapper;

/** An object that refuses unknown keys, with `parse` and `safeParse`. */
export function strictObject<S extends Shape>(
  shape: S,
  refineFn?: ObjectSpec<S>["refine"],
): ObjectSpec<S> {
  const spec: ObjectSpec<S> = {
    kind: "object",
    shape,
    keys: Object.keys(shape),
    refine: refineFn,
    parse(value) {
      const r = check(spec, value);
      if (r.issues.length) throw new SpecError(r.issues);
      return r.value;
    },
    safeParse(value) {
      const r = check(spec, value);
      return r.issues.length
        ? { success: false, error: { issues: r.issues } }
        : { success: true, data: r.value };
    },
  };
  return spec;
}

/** Validates `value`: the checked value (best effort when there are issues) and every issue. */
export function check<T>(spec: Spec<T>, value: unknown, path: Path = []): {
  value: T;
  issues: Issue[];
} {
  const issues: Issue[] = [];
  return { value: run(spec as Any, value, path, issues) as T, issues };
}

/** The keys of the strict object at `path` below `spec` (for "known here" hints), else none. */
export function keysAt(spec: Spec, path: readonly PropertyKey[]): readonly string[] {
  let s = unwrap(spec as Any);
  for (const k of path) {
    if (s.kind === "object" && typeof k === "string" && Object.hasOwn(s.shape, k)) {
      s = unwrap(s.shape[k] as Any);
    } else if (s.kind === "array" || s.kind === "record") s = unwrap((s as Wrapper).of as Any);
    else return [];
  }
  return s.kind === "object" ? s.keys : [];
}

function unwrap(s: Any): Any {
  while (["optional", "default", "orEmpty", "pre", "refine"].includes(s.kind)) {
    s = (s as Wrapper).of as Any;
  }
  return s;
}

const TRUE = new Set(["true", "1", "yes", "on"]);
const FALSE = new Set(["false", "0", "no", "off"]);
const OBJECT = 'expected object ({"setting": value, ...})';

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);
const rule = <T>(r: Rule<T>, fallback: (t: T) => string): [T, string] =>
  Array.isArray(r) ? [r[0], r[1]] : [r as T, fallback(r as T)];

function run(s: Any, v: unknown, path: Path, issues: Issue[]): unknown {
  const bad = (message: string) => {
    issues.push({ path, code: "invalid", message });
  };
  if (v === undefined) {
    switch (s.kind) {
      case "optional":
        return undefined;
      case "default": {
        const d = s.value;
        return Array.isArray(d) ? [...d] : isObject(d) ? { ...d } : d;
      }
      case "orEmpty":
        return run(s.of as Any, {}, path, issues);
      case "pre":
      case "refine":
        break; // the inner descriptor decides (absent may be fine there)
      default:
        issues.push({ path, code: "missing", message: "is missing" });
        return undefined;
    }
  }
  switch (s.kind) {
    case "optional":
    case "default":
    case "orEmpty":
      return run(s.of as Any, v, path, issues);
    case "pre":
      return run(s.of as Any, s.pre!(v), path, issues);
    case "refine": {
      const before = issues.length;
      const out = run(s.of as Any, v, path, issues);
      const problem = issues.length === before ? s.test!(out as never) : undefined;
      if (problem !== undefined) bad(problem);
      return out;
    }
    case "int":
    case "num":
      return number(s, v, bad);
    case "bool": {
      const word = typeof v === "string" ? v.trim().toLowerCase() : undefined;
      const b = word === undefined ? v : TRUE.has(word) ? true : FALSE.has(word) ? false : v;
      if (typeof b !== "boolean") bad("expected true or false");
      return b;
    }
    case "str":
      return string(s.str!, v, bad);
    case "enum":
      if (!s.values!.includes(v as string)) {
        bad(s.message ?? `must be one of ${s.values!.map((x) => JSON.stringify(x)).join(", ")}`);
      }
      return v;
    case "array":
      if (!Array.isArray(v)) {
        bad("expected a list");
        return v;
      }
      return v.map((e, i) => run(s.of as Any, e, [...path, i], issues));
    case "record": {
      if (!isObject(v)) {
        bad(OBJECT);
        return v;
      }
      const out: Record<string, unknown> = {};
      for (const [k, e] of Object.entries(v)) {
        const checked = run(s.of as Any, e, [...path, k], issues);
        // Not `out[k] =`: a "__proto__" name (JSON.parse makes it an own key) must stay a key, so
        // the cluster name check sees and refuses it instead of it replacing the prototype.
        Object.defineProperty(out, k, {
          value: checked,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    case "object": {
      if (!isObject(v)) {
        bad(OBJECT);
        return v;
      }
      const out: Record<string, unknown> = {};
      for (const k of s.keys) {
        const checked = run(s.shape[k] as Any, v[k], [...path, k], issues);
        if (checked !== undefined) out[k] = checked;
      }
      const unknown = Object.keys(v).filter((k) => !Object.hasOwn(s.shape, k));
      if (unknown.length) {
        issues.push({ path, code: "unrecognized_keys", keys: unknown, message: "unknown keys" });
      }
      s.refine?.(out as never, (issue) => issues.push(issue));
      return out;
    }
  }
}

function number(s: Leaf, v: unknown, bad: (m: string) => void): unknown {
  const min = s.min!, max = s.max!;
  let n = v;
  if (typeof v === "string") {
    const t = v.trim();
    if (s.kind === "int" ? /^-?\d+$/.test(t) : t !== "" && !isNaN(Number(t))) n = Number(t);
  }
  const range = `${s.kind === "int" ? "a whole number" : "a number"} from ${min} to ${max}`;
  if (typeof n !== "number" || !Number.isFinite(n)) {
    bad(`expected ${range}`);
    return v;
  }
  if (s.kind === "int" && !Number.isSafeInteger(n)) {
    bad(`expected ${range}`);
    if (!Number.isInteger(n)) return n; // a fraction: the range says enough
  }
  if (n < min) bad(`must be at least ${min}`);
  if (n > max) bad(`must be at most ${max}`);
  return n;
}

function string(o: StrOptions, v: unknown, bad: (m: string) => void): unknown {
  if (typeof v !== "string") {
    bad("expected a string");
    return v;
  }
  const text = o.trim ? v.trim() : v;
  if (o.min !== undefined) {
    const [n, m] = rule(
      o.min,
      (n) => n === 1 ? "must not be empty" : `needs at least ${n} characters`,
    );
    if (text.length < n) bad(m);
  }
  if (o.max !== undefined) {
    const [n, m] = rule(o.max, (n) => `must be at most ${n} characters`);
    if (text.length > n) bad(m);
  }
  if (o.regex !== undefined) {
    const [re, m] = rule(o.regex, (re) => `must match ${re}`);
    if (!re.test(text)) bad(m);
  }
  const problem = o.check?.(text);
  if (problem !== undefined) bad(problem);
  return text;
}
