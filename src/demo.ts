/**
 * Demo mode: the real server, pointed at the built-in PVE simulator running
 * in this process on loopback HTTPS with its own test CA. Nothing leaves the
 * machine; no cluster is needed.
 *
 * A configuration file given with the demo (`--demo --config FILE`) applies
 * every section but the cluster connection (`proxmox`, `auth`, `clusters`,
 * `default_cluster`), so audit, safety, tools, console and HTTP settings can
 * be tried on the simulated cluster. `role` gives the demo cluster a token of
 * that role, so the tool list fitted to the token can be seen.
 *
 * @example
 * ```ts ignore
 * import { startDemo } from "./demo.ts";
 * const demo = await startDemo({ role: "auditor" });
 * console.log(demo.config.auth?.token_name); // "auditor"
 * await demo.close();
 * ```
 *
 * @module
 */

import { DEMO_TOKEN, demoCluster, ROLES, type SimToken, startSimulator } from "./simulator/mod.ts";
import { parseConfigText, type SecretDecrypter } from "./config/load.ts";
import { ConfigError, ENV_FALLBACKS } from "./config/errors.ts";
import { denoEnv, type EnvReader } from "./config/env.ts";
import type { Config } from "./config/schema.ts";

/** The demo token's roles, from least to most privileged. */
export const DEMO_ROLES = ["auditor", "operator", "admin"] as const;
/** A role the demo token can have. */
export type DemoRole = (typeof DEMO_ROLES)[number];

/** Sections that name a cluster connection: the demo always supplies its own. */
export const DEMO_CONNECTION_SECTIONS = ["proxmox", "auth", "clusters", "default_cluster"] as const;

const granted = (...roles: (keyof typeof ROLES)[]) =>
  Object.fromEntries(roles.flatMap((r) => ROLES[r]).map((p) => [p, 1 as const]));

/**
 * The demo cluster's token for each role, as an admin would grant it with pveum:
 * auditor `PVEAuditor` on `/`; operator that plus `PVEVMUser` on `/vms` (power, snapshots of
 * guests, backups; no provisioning, no storage changes); admin `Administrator` on `/`.
 */
export function demoToken(role: DemoRole = "admin"): SimToken {
  switch (role) {
    case "admin":
      return DEMO_TOKEN;
    case "auditor":
      return {
        user: "mcp@pve",
        tokenid: "auditor",
        secret: "0c6a3f57-93d1-4b8e-a2f4-5d7e9b1c3a60",
        acl: { "/": granted("PVEAuditor") },
      };
    case "operator":
      return {
        user: "mcp@pve",
        tokenid: "operator",
        secret: "7e2b9d41-c5a8-4f36-b1e0-9a8d7c6b5f42",
        // The more specific path replaces the inherited ACL, as in PVE: /vms keeps the audit too.
        acl: { "/": granted("PVEAuditor"), "/vms": granted("PVEAuditor", "PVEVMUser") },
      };
  }
}

/** A running simulator and the configuration that reaches it. */
export interface Demo {
  config: Config;
  caCertPem: string;
  /** Connection sections of the given file that the demo replaced (to tell the user). */
  ignored: string[];
  close(): Promise<void>;
}

/** What the demo is started with. */
export interface DemoOptions {
  readOnly?: boolean;
  logFile?: string;
  logLevel?: string;
  role?: DemoRole;
  /** A configuration file's text and its name: every section but the connection applies. */
  file?: { text: string; source: string };
  decrypt?: SecretDecrypter;
  env?: EnvReader;
}

/** The file's sections minus the connection; throws a `ConfigError` when it is not a JSON object. */
function overlayOf(file: { text: string; source: string }) {
  let doc: unknown;
  try {
    doc = JSON.parse(file.text);
  } catch (e) {
    throw new ConfigError(
      [{ path: "", message: `is not valid JSON: ${(e as Error).message}` }],
      file.source,
    );
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new ConfigError([{ path: "", message: "must be a JSON object" }], file.source);
  }
  const overlay = { ...(doc as Record<string, unknown>) };
  const ignored: string[] = [];
  for (const key of DEMO_CONNECTION_SECTIONS) {
    if (key in overlay) ignored.push(key);
    delete overlay[key];
  }
  return { overlay, ignored };
}

// PROXMOX_CA_FILE & co. describe the real cluster: in the demo they would fill in settings of
// the simulated connection (a foreign CA file, say), so the demo does not see them.
const CONNECTION_ENV = new Set(
  Object.entries(ENV_FALLBACKS).filter(([k]) => /^(proxmox|auth)\./.test(k)).map(([, v]) => v),
);
function withoutConnectionEnv(env: EnvReader): EnvReader {
  return (name) => CONNECTION_ENV.has(name) ? undefined : env(name);
}

/** Starts the simulated cluster and returns a configuration for it. */
export async function startDemo(opts: DemoOptions = {}): Promise<Demo> {
  // The file is checked before anything starts: a bad one is refused and changes nothing.
  const { overlay, ignored } = opts.file ? overlayOf(opts.file) : { overlay: {}, ignored: [] };
  const token = demoToken(opts.role);
  const sim = await startSimulator({ cluster: demoCluster(), tokens: [token] });
  try {
    const doc = {
      logging: { level: opts.logLevel ?? "WARNING", file: opts.logFile },
      // Without a file the demo shows everything: opt-in toolsets and guest commands are on
      // against the simulated cluster (a real configuration keeps them off until asked).
      // A file's own sections replace these whole, so the demo behaves as that file would.
      tools: { enabled_toolsets: ["provisioning", "backups"] },
      console: { enabled: true },
      ...overlay,
      proxmox: { host: sim.hostname, port: sim.port, verify_ssl: true },
      auth: { user: token.user, token_name: token.tokenid, token_value: token.secret },
    };
    const config = await parseConfigText(JSON.stringify(doc), {
      env: withoutConnectionEnv(opts.env ?? denoEnv),
      decrypt: opts.decrypt,
      source: opts.file?.source ?? "demo",
    });
    if (opts.readOnly) config.tools.read_only = true;
    return { config, caCertPem: sim.caCertPem, ignored, close: () => sim.close() };
  } catch (e) {
    await sim.close();
    throw e;
  }
}
