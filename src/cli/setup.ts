/**
 * From the command line to a ready context: the configuration (file, env,
 * or demo), the CLI overrides, and the tool context.
 *
 * @module
 */

import type { Cli } from "./args.ts";
import { loadConfig, readConfigFile } from "../config/load.ts";
import { makeDecrypter } from "../crypto/config_secrets.ts";
import type { Config } from "../config/schema.ts";
import { ConfigError } from "../config/errors.ts";
import { createContext } from "../runtime.ts";
import { closeClients } from "../clusters.ts";
import type { ToolContext } from "../core/context.ts";
import type { Demo } from "../demo.ts";

/** A context plus what must be closed when done. */
export interface Setup {
  ctx: ToolContext;
  demo: boolean;
  close(): Promise<void>;
}

const LEVELS = new Set(["DEBUG", "INFO", "WARNING", "ERROR"]);

function applyOverrides(config: Config, cli: Cli): Config {
  if (cli.readOnly) config.tools.read_only = true;
  if (cli.logLevel) {
    const level = cli.logLevel.toUpperCase();
    if (!LEVELS.has(level)) {
      throw new ConfigError([{
        path: "--log-level",
        message: `"${cli.logLevel}" is not a level: use DEBUG, INFO, WARNING or ERROR`,
      }]);
    }
    config.logging.level = level as Config["logging"]["level"];
  }
  return config;
}

/** Loads the configuration only (no network, no context). */
export async function loadCliConfig(cli: Cli): Promise<Config> {
  return applyOverrides(
    await loadConfig({ path: cli.config, decrypt: makeDecrypter({ keyFile: cli.keyFile }) }),
    cli,
  );
}

/**
 * Starts the demo cluster for `--demo`, with the sections of `--config FILE` (all but the
 * connection) and the `--token` role. Tells on stderr which connection sections it replaced.
 */
export async function startCliDemo(cli: Cli): Promise<Demo> {
  // Loaded lazily: the simulator is only part of the module graph in demo mode.
  const { startDemo } = await import("../demo.ts");
  const file = cli.config === undefined ? undefined : {
    text: await readConfigFile(cli.config),
    source: cli.config,
  };
  const demo = await startDemo({
    readOnly: cli.readOnly,
    role: cli.token,
    file,
    decrypt: makeDecrypter({ keyFile: cli.keyFile }),
  });
  if (demo.ignored.length) {
    console.error(
      `demo: ${cli.config}: ${demo.ignored.join(", ")} ignored, the demo serves its ` +
        "simulated cluster; every other section applies",
    );
  }
  return demo;
}

/** Builds the context for a command: demo simulator or the configured cluster. */
export async function setup(cli: Cli): Promise<Setup> {
  if (cli.demo) {
    const demo = await startCliDemo(cli);
    const ctx = await createContext(applyOverrides(demo.config, cli), {
      extraCaCerts: [demo.caCertPem],
    });
    return {
      ctx,
      demo: true,
      close: async () => {
        closeClients(ctx);
        ctx.logger.close();
        await demo.close();
      },
    };
  }
  const config = await loadCliConfig(cli);
  const ctx = await createContext(config);
  return {
    ctx,
    demo: false,
    close: () => {
      closeClients(ctx);
      ctx.logger.close();
      return Promise.resolve();
    },
  };
}
