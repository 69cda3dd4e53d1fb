/**
 * Characters that must not reach an audit file or a terminal raw. JSON
 * already escapes C0 controls inside strings; it leaves DEL, the C1 controls
 * (U+0080–U+009F, e.g. a single-byte CSI), the line and paragraph separators
 * U+2028/U+2029 (which split a record for JavaScript-era line readers) and
 * the bidirectional overrides (which reorder what a reader sees) as they are.
 * A VM name or a guest command is model-controlled text: it is escaped in the
 * file, and every field `audit tail` prints is escaped again on screen.
 *
 * @example
 * ```ts
 * import { escapeJsonLine, printable } from "./audit_text.ts";
 * console.log(escapeJsonLine(JSON.stringify({ name: "a\u2028b" }))); // {"name":"a\u2028b"} (escaped)
 * console.log(printable("evil\x1b[2Jname\n#9 forged")); // evil\x1b[2Jname\n#9 forged (escaped)
 * ```
 *
 * @module
 */

/** What JSON.stringify leaves raw but a reader must not see raw. */
const RAW_IN_JSON = /[\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Everything that is not plain printable text on a terminal line. */
const UNPRINTABLE =
  // deno-lint-ignore no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const u = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/**
 * Escapes, inside a JSON text, the characters JSON.stringify keeps raw (they can only occur
 * inside strings there, where `\uXXXX` means the same character): the line parses the same.
 */
export function escapeJsonLine(json: string): string {
  return json.replace(RAW_IN_JSON, u);
}

/** A value for one terminal line: controls, separators and bidi overrides shown escaped. */
export function printable(value: unknown): string {
  return String(value).replace(UNPRINTABLE, (c) => {
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    if (c === "\x1b") return "\\x1b";
    return u(c);
  });
}

/**
 * A raw JSON line for a terminal (`audit tail --json`): every unprintable character as `\uXXXX`.
 * Inside a JSON string that means the same character; outside one the line was not valid JSON
 * anyway (a tampered or torn line), and it still cannot act on the terminal.
 */
export function escapeJsonForTerminal(json: string): string {
  return json.replace(UNPRINTABLE, u);
}
