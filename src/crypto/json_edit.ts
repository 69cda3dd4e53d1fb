/**
 * Editing string values inside JSON text without reformatting anything else.
 *
 * `JSON.parse` + `JSON.stringify` would lose the user's indentation, key
 * order quirks, line endings and spacing. Instead a small tokenizer (the
 * JSON grammar of RFC 8259, nothing more) records where every string value
 * starts and ends, with its dotted key path; an edit splices new literals
 * into those spans and leaves every other character as it was.
 *
 * @example
 * ```ts
 * import { replaceValueAt } from "./json_edit.ts";
 * const text = '{\n  "auth": { "token_value": "s3cret" },  "x": [1, 2]\n}';
 * console.log(replaceValueAt(text, "auth.token_value", "enc:v1:k:..."));
 * // '{\n  "auth": { "token_value": "enc:v1:k:..." },  "x": [1, 2]\n}'
 * ```
 *
 * @module
 */

/** One string value in JSON text. */
export interface StringSpan {
  /** Dotted key path, array indexes as numbers (as `collectSecrets` builds them). */
  path: string;
  /** Index of the opening quote in the text. */
  start: number;
  /** Index just after the closing quote. */
  end: number;
  /** The decoded string. */
  value: string;
}

/** Text that is not JSON; `offset` is where the tokenizer stopped. */
export class JsonSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
    this.name = "JsonSyntaxError";
  }
}

const MAX_DEPTH = 512;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// JSON forbids raw control characters (U+0000-U+001F) inside strings.
// deno-lint-ignore no-control-regex
const STRING_BODY = /(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/**
 * Every string value (not keys) in `text`, in document order, with its span.
 * Throws `JsonSyntaxError` on anything `JSON.parse` would reject.
 *
 * @example
 * ```ts
 * import { scanStrings } from "./json_edit.ts";
 * const spans = scanStrings('{"a": {"b": "x"}, "c": ["y"]}');
 * console.log(spans.map((s) => s.path)); // ["a.b", "c.0"]
 * ```
 */
export function scanStrings(text: string): StringSpan[] {
  const out: StringSpan[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a BOM is kept, not parsed

  const fail = (what: string): never => {
    const line = text.slice(0, i).split("\n").length;
    throw new JsonSyntaxError(`${what} at line ${line}`, i);
  };
  const ws = () => {
    while (i < text.length) {
      const c = text[i];
      if (c === " " || c === "\t" || c === "\n" || c === "\r") i++;
      else break;
    }
  };
  const str = (): [number, number, string] => {
    const start = i;
    STRING_BODY.lastIndex = i + 1;
    if (!STRING_BODY.test(text)) fail("unterminated or invalid string");
    i = STRING_BODY.lastIndex;
    return [start, i, JSON.parse(text.slice(start, i)) as string];
  };
  const value = (path: string, depth: number): void => {
    if (depth > MAX_DEPTH) fail("nesting too deep");
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") {
        i++;
        return;
      }
      while (true) {
        ws();
        if (text[i] !== '"') fail("expected a key");
        const [, , key] = str();
        ws();
        if (text[i] !== ":") fail('expected ":"');
        i++;
        value(path ? `${path}.${key}` : key, depth + 1);
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") {
          i++;
          return;
        } else fail('expected "," or "}"');
      }
    }
    if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (let n = 0;; n++) {
        value(path ? `${path}.${n}` : String(n), depth + 1);
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "]") {
          i++;
          return;
        } else fail('expected "," or "]"');
      }
    }
    if (c === '"') {
      const [start, end, v] = str();
      out.push({ path, start, end, value: v });
      return;
    }
    for (const lit of ["true", "false", "null"]) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return;
      }
    }
    NUMBER.lastIndex = i;
    if (NUMBER.test(text)) {
      i = NUMBER.lastIndex;
      return;
    }
    fail(i >= text.length ? "unexpected end of text" : "unexpected character");
  };

  value("", 0);
  ws();
  if (i !== text.length) fail("unexpected text after the end");
  return out;
}

/** One edit: the span to replace and its new string value. */
export interface SpanEdit {
  span: Pick<StringSpan, "start" | "end">;
  value: string;
}

/**
 * Applies edits (non-overlapping spans from one `scanStrings` call); the
 * new values are written as JSON string literals.
 *
 * @example
 * ```ts
 * import { applyEdits, scanStrings } from "./json_edit.ts";
 * const text = '{"a":"x",  "b":"y"}';
 * const [a, b] = scanStrings(text);
 * console.log(applyEdits(text, [{ span: b, value: "Y" }, { span: a, value: "X" }]));
 * // '{"a":"X",  "b":"Y"}'
 * ```
 */
export function applyEdits(text: string, edits: readonly SpanEdit[]): string {
  const sorted = [...edits].sort((x, y) => x.span.start - y.span.start);
  let out = "";
  let at = 0;
  for (const { span, value } of sorted) {
    if (span.start < at) throw new RangeError("overlapping edits");
    out += text.slice(at, span.start) + JSON.stringify(value);
    at = span.end;
  }
  return out + text.slice(at);
}

/**
 * Replaces the string value at `path` (every occurrence, if a key is
 * repeated); throws `RangeError` if there is no string value there.
 *
 * @example
 * ```ts
 * import { replaceValueAt } from "./json_edit.ts";
 * console.log(replaceValueAt('{ "a" : [ "x" ] }', "a.0", "y")); // '{ "a" : [ "y" ] }'
 * ```
 */
export function replaceValueAt(text: string, path: string, value: string): string {
  const spans = scanStrings(text).filter((s) => s.path === path);
  if (!spans.length) throw new RangeError(`no string value at ${path}`);
  return applyEdits(text, spans.map((span) => ({ span, value })));
}
