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

import type { ClusterConfig, Config } from "./config/schema.ts";
import { isMultiCluster } from "./config/clusters.ts";
import { clusterContexts } from "./clusters.ts";
import { ConfigError } from "./config/errors.ts";
import { collectSecrets } from "./config/secrets.ts";
import { Logger, Redactor } from "./log.ts";
import { PveClient } from "./proxmox/client.ts";
import { ReadCache } from "./proxmox/cache.ts";
import type { Transport, TransportOptions } from "./proxmox/transport.ts";
import type { ToolContext } from "./core/context.ts";
import { lazyFileAuditLog, NullAuditLog } from "./safety/audit_sink.ts";
import { PermissionWatcher } from "./safety/permission_watch.ts";

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

/**
 * The transport of `opts`, built on the first request: node:https (with the cluster's CA) costs
 * start-up tens of milliseconds, and no request is made before the MCP handshake anyway.
 */
export function lazyTransport(opts: TransportOptions): Transport {
  let loaded: Transport | undefined;
  let loading: Promise<Transport> | undefined;
  let closed = false;
  const load = () =>
    loading ??= import("./proxmox/transport.ts").then((m) => {
      loaded = m.createTransport(opts);
      // Closed while loading: free what was just built, as close() would have.
      if (closed) loaded.close();
      return loaded;
    });
  return {
    send: async (req) => (loaded ?? await load()).send(req),
    close: () => {
      closed = true;
      loaded?.close();
    },
  };
}

/** A PVE client for one cluster's connection settings (the rest from `config`). */
export async function createPveClient(
  config: Config,
  cluster: ClusterConfig,
  logger: Logger,
  opts: ContextOptions = {},
): Promise<PveClient> {
  const caCerts = [...(opts.extraCaCerts ?? [])];
  if (cluster.proxmox.ca_file) caCerts.push(await readCaFile(cluster.proxmox.ca_file));
  if (!cluster.proxmox.verify_ssl) {
    logger.warn(
      "TLS certificate verification is OFF (proxmox.verify_ssl: false): anyone on the network " +
        "path can impersonate the cluster and capture the API token. Prefer proxmox.ca_file.",
    );
  }
  if (cluster.proxmox.timeout_ms < 3500) {
    logger.warn(
      `proxmox.timeout_ms is ${cluster.proxmox.timeout_ms} ms: PVE delays every rejected ` +
        "login by about 3 s, so a wrong or revoked token will show as a timeout instead of " +
        "'PVE rejected the API token'. 3500 or more keeps that message.",
    );
  }
  const host = cluster.proxmox.host.includes(":") && !cluster.proxmox.host.startsWith("[")
    ? `[${cluster.proxmox.host}]`
    : cluster.proxmox.host;
  return new PveClient({
    baseUrl: `https://${host}:${cluster.proxmox.port}`,
    tokenId: `${cluster.auth.user}!${cluster.auth.token_name}`,
    secret: cluster.auth.token_value,
    transport: lazyTransport({
      verifyTls: cluster.proxmox.verify_ssl,
      caCerts,
      maxAnswerBytes: cluster.proxmox.max_answer_bytes,
    }),
    timeoutMs: cluster.proxmox.timeout_ms,
    logger,
    cache: new ReadCache({
      enabled: config.cache.enabled,
      ttlMs: config.cache.ttl_ms,
      acrossCalls: config.cache.across_calls,
    }),
  });
}

/** Everything a tool call needs, built from the configuration. */
export async function createContext(
  config: Config,
  opts: ContextOptions = {},
): Promise<ToolContext> {
  // Names of toolsets and actions are known only here, above the config schema. Checking them
  // loads every tool: done only when the configuration names some.
  const t = config.tools;
  if (
    t.disabled_toolsets.length || t.disabled_tools?.length || config.safety.snapshot_before?.length
  ) {
    const { assertToolNames } = await import("./tools/config_names.ts");
    assertToolNames(config);
  }
  const redactor = new Redactor();
  for (const [, value] of collectSecrets(config)) redactor.add(value);
  const logger = new Logger({
    level: config.logging.level,
    file: config.logging.file,
    redactor,
    stderr: opts.stderr,
  });
  const pve = await createPveClient(config, config, logger, opts);
  const audit = config.audit.file
    ? lazyFileAuditLog(config.audit.file, redactor, {
      maxBytes: config.audit.max_bytes,
      keyFile: config.audit.key_file,
    })
    : new NullAuditLog();
  const watch = (client: PveClient) => {
    const w = new PermissionWatcher(client, logger, config.tools.permissions_refresh_s * 1000);
    client.setGuard(w);
    return w;
  };
  const ctx: ToolContext = { pve, config, logger, redactor, audit, permissions: watch(pve) };
  if (isMultiCluster(config)) {
    ctx.clusters = await clusterContexts(ctx, (c) => createPveClient(config, c, logger, opts));
    for (const c of ctx.clusters.values()) if (c.pve !== pve) c.permissions = watch(c.pve);
  }
  return ctx;
}
