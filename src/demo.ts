/**
 * Demo mode: the real server, pointed at the built-in PVE simulator running
 * in this process on loopback HTTPS with its own test CA. Nothing leaves the
 * machine; no cluster is needed.
 *
 * @example
 * ```ts ignore
 * import { startDemo } from "./demo.ts";
 * const demo = await startDemo();
 * console.log(demo.config.proxmox.host); // "127.0.0.1"
 * await demo.close();
 * ```
 *
 * @module
 */

import { DEMO_TOKEN, demoCluster, startSimulator } from "./simulator/mod.ts";
import { validateConfig } from "./config/load.ts";
import type { Config } from "./config/schema.ts";

/** A running simulator and the configuration that reaches it. */
export interface Demo {
  config: Config;
  caCertPem: string;
  close(): Promise<void>;
}

/** Starts the simulated cluster and returns a configuration for it. */
export async function startDemo(
  overrides: { readOnly?: boolean; logFile?: string; logLevel?: string } = {},
): Promise<Demo> {
  const sim = await startSimulator({ cluster: demoCluster() });
  const config = validateConfig({
    proxmox: { host: sim.hostname, port: sim.port, verify_ssl: true },
    auth: { user: DEMO_TOKEN.user, token_name: DEMO_TOKEN.tokenid, token_value: DEMO_TOKEN.secret },
    logging: { level: overrides.logLevel ?? "WARNING", file: overrides.logFile },
    // The demo shows everything: opt-in toolsets and guest commands are on against the
    // simulated cluster (a real configuration keeps them off until asked).
    tools: {
      read_only: overrides.readOnly ?? false,
      enabled_toolsets: ["provisioning", "backups"],
    },
    console: { enabled: true },
  }, "demo");
  return { config, caCertPem: sim.caCertPem, close: () => sim.close() };
}
