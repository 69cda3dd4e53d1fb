/**
 * The one list of configuration values that are secrets. It drives both
 * encryption (`encrypt-config`) and redaction (logs, errors, tool output).
 *
 * Patterns use dots; `*` matches one key or array index.
 *
 * @example
 * ```ts
 * import { isSecretPath } from "./secrets.ts";
 * console.log(isSecretPath("auth.token_value")); // true
 * console.log(isSecretPath("clusters.lab.auth.token_value")); // true
 * ```
 *
 * @module
 */

/** Key paths whose values are secrets. */
export const SECRET_PATHS: readonly string[] = [
  "auth.token_value",
  "clusters.*.auth.token_value",
  "http.tokens.*.token",
  "mcp.state_key",
];

/** Whether a dotted key path (array indexes as numbers) names a secret. */
export function isSecretPath(path: string): boolean {
  const parts = path.split(".");
  return SECRET_PATHS.some((pattern) => {
    const want = pattern.split(".");
    return want.length === parts.length && want.every((w, i) => w === "*" || w === parts[i]);
  });
}

/** Every `[path, value]` pair in `doc` whose path is a secret and whose value is a string. */
export function collectSecrets(doc: unknown, prefix = ""): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (doc === null || typeof doc !== "object") return out;
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string" && isSecretPath(path)) out.push([path, value]);
    else if (value && typeof value === "object") out.push(...collectSecrets(value, path));
  }
  return out;
}
