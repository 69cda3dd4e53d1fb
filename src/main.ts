/**
 * proxmox-mcp: the command-line entry. Serves MCP over stdio by default;
 * `check`, `tools` and `call` help set it up and try it.
 *
 * @example
 * ```sh
 * deno run --allow-net --allow-read --allow-write --allow-env src/main.ts --demo call get_nodes
 * ```
 *
 * @module
 */

import { EXIT, parseCli, USAGE } from "./cli/args.ts";
import { ConfigError } from "./config/errors.ts";
import { VERSION } from "./version.ts";
// Everything else is imported by the command that needs it: a stdio server answers `initialize`
// before the tools, the PVE transport or the simulator are even loaded (bench/cold_start.ts).
// Specifiers stay literal: scripts/compile.ts finds them with `deno info` and has the binary
// embed them (lazy dynamic imports are otherwise left out of `deno compile`).

/** Runs the CLI; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  let cli;
  try {
    cli = parseCli(argv);
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    return EXIT.USAGE;
  }
  if (cli.help || cli.command === "help") {
    console.log(USAGE);
    return EXIT.OK;
  }
  if (cli.version) {
    console.log(`proxmox-mcp ${VERSION}`);
    return EXIT.OK;
  }
  try {
    switch (cli.command) {
      case "healthcheck": {
        const { healthcheck } = await import("./cli/healthcheck.ts");
        return await healthcheck(cli.rest[0]);
      }
      case "tools": {
        const { loadCliConfig, startCliDemo } = await import("./cli/setup.ts");
        const { listTools } = await import("./cli/tools_cmd.ts");
        if (cli.demo) {
          const demo = await startCliDemo(cli);
          await demo.close();
          return listTools(demo.config, cli.json);
        }
        // A named configuration is loaded or its errors reported: never the default list instead.
        const config = namedConfig(cli)
          ? await loadCliConfig(cli)
          : await loadCliConfig(cli).catch(() => undefined);
        if (config) {
          const { assertToolNames } = await import("./tools/config_names.ts");
          assertToolNames(config, cli.config);
        }
        const tools = config ?? { read_only: cli.readOnly, disabled_toolsets: [] };
        return listTools(tools, cli.json);
      }
      case "serve":
      case "check":
      case "call":
        return await withSetup(cli);
      case "generate-key":
      case "encrypt-config":
      case "config-status":
      case "rotate-key": {
        const { runKeyCommand } = await import("./cli/keys.ts");
        return await runKeyCommand(cli.command, cli);
      }
      case "audit": {
        const { loadCliConfig } = await import("./cli/setup.ts");
        const config = namedConfig(cli)
          ? await loadCliConfig(cli)
          : await loadCliConfig(cli).catch(() => undefined);
        const { runAuditCommand } = await import("./cli/audit_cmd.ts");
        return await runAuditCommand(cli.rest, {
          configuredFile: config?.audit.file,
          keyFile: cli.auditKey ?? config?.audit.key_file,
          lines: cli.lines,
          json: cli.json,
        });
      }
      default:
        console.error(`unknown command "${cli.command}"\n\n${USAGE}`);
        return EXIT.USAGE;
    }
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      return EXIT.CONFIG;
    }
    console.error(`proxmox-mcp: ${(e as Error).message ?? e}`);
    return EXIT.FAILED;
  }
}

/** Whether a configuration file was named (`--config` or PROXMOX_MCP_CONFIG). */
function namedConfig(cli: ReturnType<typeof parseCli>): boolean {
  return cli.config !== undefined || !!Deno.env.get("PROXMOX_MCP_CONFIG");
}

async function withSetup(cli: ReturnType<typeof parseCli>): Promise<number> {
  const { setup } = await import("./cli/setup.ts");
  const s = await setup(cli);
  try {
    if (cli.command === "serve" && cli.http !== undefined) {
      const { serveHttp } = await import("./cli/serve_http.ts");
      return await serveHttp(s, cli.http);
    }
    if (cli.command === "serve") {
      const { serveStdio } = await import("./cli/serve.ts");
      await serveStdio(s);
      return EXIT.OK;
    }
    if (cli.command === "check") {
      const { runCheck } = await import("./cli/check.ts");
      return await runCheck(s);
    }
    const { callTool } = await import("./cli/call.ts");
    return await callTool(s, cli.rest[0], cli.args, cli.json);
  } finally {
    await s.close();
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
