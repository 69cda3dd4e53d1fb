/**
 * Turning validation issues (spec.ts) into one clear line per problem: the key
 * path, the value (never for a secret), and what to do.
 *
 * @example
 * ```ts
 * import { ConfigError } from "./errors.ts";
 * const e = new ConfigError([{ path: "proxmox.port", message: "must be 1-65535" }]);
 * console.log(e.message); // "invalid configuration:\n  - proxmox.port: must be 1-65535"
 * ```
 *
 * @module
 */

import { type Issue, keysAt, type Spec } from "./spec.ts";
import { collectSecrets, isSecretPath, SECRET_PATHS } from "./secrets.ts";
import { Redactor } from "../log.ts";

/** One problem in a configuration. */
export interface ConfigProblem {
  path: string;
  message: string;
}

/** A configuration that cannot be used, with every problem found. */
export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[], readonly source?: string) {
    super(
      `invalid configuration${source ? ` (${source})` : ""}:\n` +
        problems.map((p) => `  - ${p.path ? `${p.path}: ` : ""}${p.message}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/** Where each setting can come from in the environment, for "set it or X" hints. */
export const ENV_FALLBACKS: Readonly<Record<string, string>> = {
  "proxmox.host": "PROXMOX_HOST",
  "proxmox.port": "PROXMOX_PORT",
  "proxmox.verify_ssl": "PROXMOX_VERIFY_SSL",
  "proxmox.ca_file": "PROXMOX_CA_FILE",
  "proxmox.timeout_ms": "PROXMOX_TIMEOUT_MS",
  "auth.user": "PROXMOX_USER",
  "auth.token_name": "PROXMOX_TOKEN_NAME",
  "auth.token_value": "PROXMOX_TOKEN_VALUE",
  "logging.level": "LOG_LEVEL",
  "logging.file": "LOG_FILE",
  // For hosts that configure a server by environment only (an MCP Bundle's user_config).
  "tools.read_only": "PROXMOX_MCP_READ_ONLY",
};

function valueAt(doc: unknown, path: PropertyKey[]): unknown {
  let cur = doc;
  for (const k of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

/** The closest known key, when it is close enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function maskAt(doc: unknown, keys: string[]) {
  let cur = doc as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
  cur[keys[keys.length - 1]] = "(hidden)";
}

/**
 * Whether a secret belongs at `path` or below it (`auth`, `http.tokens.0`, `clusters.lab`): a
 * value found there may be a secret put at the wrong level, so it is never shown.
 */
function atOrAboveSecret(path: string): boolean {
  const parts = path === "" ? [] : path.split(".");
  return SECRET_PATHS.some((pattern) => {
    const want = pattern.split(".");
    return parts.length <= want.length && parts.every((p, i) => want[i] === "*" || want[i] === p);
  });
}

function show(path: string, value: unknown): string {
  if (isSecretPath(path)) return "(secret value hidden)";
  if (atOrAboveSecret(path)) return "(value hidden: a secret belongs here or below)";
  // An object may hold secrets (e.g. `clusters.lab` holds `auth.token_value`): mask them.
  const masked = value && typeof value === "object" ? structuredClone(value) : value;
  const prefix = path ? `${path}.` : "";
  for (const [p] of collectSecrets(value, path)) maskAt(masked, p.slice(prefix.length).split("."));
  const text = JSON.stringify(masked);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** One readable problem per issue (per unknown key); `schema` names the keys known there. */
export function describeIssues(
  issues: readonly Issue[],
  doc: unknown,
  schema: Spec,
): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  // A secret pasted into another setting too (the token as proxmox.host) is still a secret.
  const redactor = new Redactor();
  for (const [, v] of collectSecrets(doc)) redactor.add(v);
  const shown = (path: string, value: unknown) => redactor.redact(show(path, value));
  for (const issue of issues) {
    const base = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      const known = keysAt(schema, issue.path);
      for (const key of issue.keys ?? []) {
        const hint = closest(key, known);
        out.push({
          path: base ? `${base}.${key}` : key,
          message: `is not a known setting${hint ? `: did you mean "${hint}"?` : ""}` +
            (known.length ? ` (known here: ${known.join(", ")})` : ""),
        });
      }
      continue;
    }
    const value = valueAt(doc, issue.path);
    if (value === undefined) {
      const env = ENV_FALLBACKS[base];
      out.push({ path: base, message: `is missing: set it${env ? ` or ${env}` : ""}` });
      continue;
    }
    out.push({ path: base, message: `${shown(base, value)} is not valid: ${issue.message}` });
  }
  return out;
}
