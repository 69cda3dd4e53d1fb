/**
 * Turns a validated configuration into the objects tools use: redactor,
 * logger, TLS transport and PVE client.
 *
 * @example
 * ```ts ignore
 * import { createContext } from "./runtime.ts";
 * const ctx = await createContext(config);
 * // ... serve ...
 * ctx.pve.close();
 * ```
 *
 * @module
 */

import type { Config } from "./config/schema.ts";
import { ConfigError } from "./config/errors.ts";
import { collectSecrets } from "./config/secrets.ts";
import { Logger, Redactor } from "./log.ts";
import { PveClient } from "./proxmox/client.ts";
import { createTransport } from "./proxmox/transport.ts";
import type { ToolContext } from "./tools/context.ts";
import { FileAuditLog, NullAuditLog } from "./safety/audit.ts";

/** Options beyond the configuration file. */
export interface ContextOptions {
  /** CA certificates given directly (demo mode), in addition to `proxmox.ca_file`. */
  extraCaCerts?: string[];
  /** Write log lines to stderr (default true). */
  stderr?: boolean;
}

async function readCaFile(path: string): Promise<string> {
  try {
    const pem = await Deno.readTextFile(path);
    if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
      throw new ConfigError([{
        path: "proxmox.ca_file",
        message: `${path} holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)`,
      }]);
    }
    return pem;
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError([{
      path: "proxmox.ca_file",
      message: `cannot read ${path}: ${(e as Error).message}. Copy /etc/pve/pve-root-ca.pem ` +
        "from a node and point proxmox.ca_file at it",
    }]);
  }
}

/** Everything a tool call needs, built from the configuration. */
export async function createContext(
  config: Config,
  opts: ContextOptions = {},
): Promise<ToolContext> {
  const redactor = new Redactor();
  for (const [, value] of collectSecrets(config)) redactor.add(value);
  const logger = new Logger({
    level: config.logging.level,
    file: config.logging.file,
    redactor,
    stderr: opts.stderr,
  });
  const caCerts = [...(opts.extraCaCerts ?? [])];
  if (config.proxmox.ca_file) caCerts.push(await readCaFile(config.proxmox.ca_file));
  if (!config.proxmox.verify_ssl) {
    logger.warn(
      "TLS certificate verification is OFF (proxmox.verify_ssl: false): anyone on the network " +
        "path can impersonate the cluster and capture the API token. Prefer proxmox.ca_file.",
    );
  }
  const host = config.proxmox.host.includes(":") && !config.proxmox.host.startsWith("[")
    ? `[${config.proxmox.host}]`
    : config.proxmox.host;
  const pve = new PveClient({
    baseUrl: `https://${host}:${config.proxmox.port}`,
    tokenId: `${config.auth.user}!${config.auth.token_name}`,
    secret: config.auth.token_value,
    transport: createTransport({ verifyTls: config.proxmox.verify_ssl, caCerts }),
    timeoutMs: config.proxmox.timeout_ms,
    logger,
  });
  const audit = config.audit.file
    ? new FileAuditLog(config.audit.file, redactor)
    : new NullAuditLog();
  return { pve, config, logger, redactor, audit };
}
