/**
 * Loading the configuration: from a JSON file (`--config` or
 * `PROXMOX_MCP_CONFIG`), or from environment variables alone; `${VAR}`
 * substitution, decryption of `enc:` secrets, validation.
 *
 * @example
 * ```ts
 * import { parseConfigText } from "./load.ts";
 * const cfg = await parseConfigText(
 *   '{"proxmox":{"host":"${H:-pve.lan}"},"auth":{"user":"mcp@pve","token_name":"mcp","token_value":"s"}}',
 *   { env: () => undefined },
 * );
 * console.log(cfg.proxmox.host); // "pve.lan"
 * ```
 *
 * @module
 */

import { type Config, ConfigSchema } from "./schema.ts";
import { ConfigError, type ConfigProblem, describeIssues, ENV_FALLBACKS } from "./errors.ts";
import { denoEnv, type EnvReader, substituteEnv } from "./env.ts";
import { normalizeClusters } from "./clusters.ts";

/** Turns `enc:` values back into plain text, in place; provided by `src/crypto`. */
export type SecretDecrypter = (doc: Record<string, unknown>) => Promise<void>;

/** How to load a configuration. */
export interface LoadOptions {
  /** Explicit path (`--config`); else `PROXMOX_MCP_CONFIG`; else the environment alone. */
  path?: string;
  env?: EnvReader;
  decrypt?: SecretDecrypter;
}

/** Walks a parsed JSON document and substitutes `${VAR}` in every string, in place. */
function substituteAll(node: unknown, path: string, env: EnvReader, problems: ConfigProblem[]) {
  if (node === null || typeof node !== "object") return;
  const entries = Array.isArray(node)
    ? node.map((v, i) => [String(i), v] as const)
    : Object.entries(node as Record<string, unknown>);
  for (const [key, value] of entries) {
    const here = path ? `${path}.${key}` : key;
    if (typeof value === "string" && value.includes("${")) {
      const { value: text, missing } = substituteEnv(value, env);
      for (const name of missing) {
        problems.push({
          path: here,
          message: `refers to \${${name}}, which is not set: export ${name}=... ` +
            `or give a default with \${${name}:-value}`,
        });
      }
      (node as Record<string, unknown>)[key] = text;
    } else substituteAll(value, here, env, problems);
  }
}

function setIfAbsent(doc: Record<string, unknown>, dotted: string, value: string | undefined) {
  if (value === undefined || value === "") return;
  const [section, key] = dotted.split(".");
  const obj = (doc[section] ??= {}) as Record<string, unknown>;
  if (obj && typeof obj === "object" && obj[key] === undefined) obj[key] = value;
}

/** Fills settings a file leaves out from the documented environment variables. */
function applyEnvFallbacks(doc: Record<string, unknown>, env: EnvReader) {
  // A several-cluster file names each cluster's connection itself: PROXMOX_HOST & co. would
  // only add a top-level section that conflicts with `clusters`.
  const multi = doc.clusters !== undefined;
  for (const [dotted, name] of Object.entries(ENV_FALLBACKS)) {
    if (multi && /^(proxmox|auth)\./.test(dotted)) continue;
    setIfAbsent(doc, dotted, env(name));
  }
}

/** Validates an already-parsed document (after substitution and decryption). */
export function validateConfig(doc: unknown, source?: string): Config {
  const result = ConfigSchema.safeParse(doc);
  if (result.success) return normalizeClusters(result.data);
  throw new ConfigError(describeIssues(result.error.issues, doc, ConfigSchema), source);
}

/** Parses configuration text (JSON) with substitution, env fallbacks and decryption. */
export async function parseConfigText(
  text: string,
  opts: { env?: EnvReader; decrypt?: SecretDecrypter; source?: string } = {},
): Promise<Config> {
  const env = opts.env ?? denoEnv;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ConfigError([{ path: "", message: jsonSyntaxMessage(e as Error) }], opts.source);
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new ConfigError([{ path: "", message: "must be a JSON object" }], opts.source);
  }
  const record = doc as Record<string, unknown>;
  const problems: ConfigProblem[] = [];
  substituteAll(record, "", env, problems);
  if (problems.length) throw new ConfigError(problems, opts.source);
  applyEnvFallbacks(record, env);
  if (opts.decrypt) await opts.decrypt(record);
  return validateConfig(record, opts.source);
}

/** Loads the configuration as `main` does: file, else `PROXMOX_MCP_CONFIG`, else env alone. */
export async function loadConfig(opts: LoadOptions = {}): Promise<Config> {
  const env = opts.env ?? denoEnv;
  const path = opts.path ?? env("PROXMOX_MCP_CONFIG");
  if (!path) {
    if (!env("PROXMOX_HOST")) {
      throw new ConfigError([{
        path: "",
        message: "no configuration found: pass --config FILE, set PROXMOX_MCP_CONFIG, " +
          "or set PROXMOX_HOST, PROXMOX_USER, PROXMOX_TOKEN_NAME and PROXMOX_TOKEN_VALUE " +
          "(or try it without a cluster: --demo)",
      }]);
    }
    return parseConfigText("{}", { env, decrypt: opts.decrypt, source: "environment" });
  }
  const text = await readConfigFile(path);
  return await parseConfigText(text, { env, decrypt: opts.decrypt, source: path });
}

/** Reads a configuration file; a missing or unreadable one is a `ConfigError` naming it. */
export async function readConfigFile(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound
      ? "does not exist"
      : e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.NotCapable
      ? "cannot be read (permission denied)"
      : (e as Error).message;
    throw new ConfigError([{ path: "", message: `${path} ${why}` }], path);
  }
}

/**
 * JSON.parse's complaint without the excerpt of the text V8 quotes (`Unexpected token 'a',
 * "{"auth": abcdef-sec"... is not valid JSON`): the excerpt can be a secret. Position kept.
 */
function jsonSyntaxMessage(e: Error): string {
  const where = /at position \d+ \(line (\d+) column (\d+)\)/.exec(e.message);
  const what = e.message.split(/["']/)[0].replace(/\s*(in JSON\s*)?(at position.*)?[,\s]*$/, "");
  return `is not valid JSON${where ? ` (line ${where[1]}, column ${where[2]})` : ""}: ` +
    `${what || "syntax error"} (the text itself is not shown: it may hold a secret)`;
}
