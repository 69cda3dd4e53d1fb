/**
 * `serve --http HOST:PORT`: MCP over Streamable HTTP at `/mcp` (plus
 * `/healthz`) until SIGINT/SIGTERM. Bearer tokens come from `http.tokens` and
 * `PROXMOX_MCP_HTTP_TOKEN`; a non-loopback address without any token is
 * refused, since anyone who can reach the port would control the cluster.
 *
 * @example
 * ```sh
 * PROXMOX_MCP_HTTP_TOKEN=$(openssl rand -hex 32) proxmox-mcp serve --http 0.0.0.0:8080 --config c.json
 * ```
 *
 * @module
 */

import { ConfigError } from "../config/errors.ts";
import { denoEnv } from "../config/env.ts";
import { BearerAuth, type TokenSpec } from "../mcp/http/auth.ts";
import { isLoopback, type ListenAddress, parseListen } from "../mcp/http/guards.ts";
import { startHttpServer } from "../mcp/http/server.ts";
import { McpService } from "../mcp/server.ts";
import { SERVER_NAME, VERSION } from "../version.ts";
import { EXIT } from "./args.ts";
import type { Setup } from "./setup.ts";

/** The environment variable that adds one full-access token named `env`. */
export const HTTP_TOKEN_ENV = "PROXMOX_MCP_HTTP_TOKEN";

/** The configured tokens plus the one from the environment, checked. */
export function collectTokens(
  configured: readonly TokenSpec[],
  env: (name: string) => string | undefined = denoEnv,
): TokenSpec[] {
  const tokens = [...configured];
  const fromEnv = env(HTTP_TOKEN_ENV)?.trim();
  if (fromEnv) {
    if (fromEnv.length < 16) {
      throw new ConfigError([{
        path: HTTP_TOKEN_ENV,
        message: "is too short: use at least 16 random characters (e.g. openssl rand -hex 32)",
      }]);
    }
    tokens.push({ name: "env", token: fromEnv, read_only: false });
  }
  const seen = new Set<string>();
  for (const [i, t] of tokens.entries()) {
    if (seen.has(t.name)) {
      throw new ConfigError([{
        path: `http.tokens.${i}.name`,
        message: `"${t.name}" names two tokens: names identify tokens in logs and limits`,
      }]);
    }
    seen.add(t.name);
  }
  return tokens;
}

/** Serves until a signal arrives; returns the exit code. */
export async function serveHttp(s: Setup, listenText: string): Promise<number> {
  let listen: ListenAddress;
  try {
    listen = parseListen(listenText);
  } catch (e) {
    console.error((e as Error).message);
    return EXIT.USAGE;
  }
  const { ctx } = s;
  const tokens = collectTokens(ctx.config.http.tokens);
  for (const t of tokens) ctx.redactor.add(t.token);
  if (!tokens.length && !isLoopback(listen.hostname)) {
    console.error(
      `refusing to serve on ${listen.hostname}: that address is reachable from other machines ` +
        "and no bearer token is configured, so anyone could drive the cluster. Add http.tokens " +
        `to the configuration or set ${HTTP_TOKEN_ENV} (e.g. $(openssl rand -hex 32)), or bind ` +
        "to 127.0.0.1.",
    );
    return EXIT.CONFIG;
  }
  if (!tokens.length) {
    ctx.logger.warn(
      "HTTP without authentication: any process on this machine can call the tools. " +
        `Set ${HTTP_TOKEN_ENV} or http.tokens to require a bearer token.`,
    );
  }
  const settings = ctx.config.http;
  const http = await startHttpServer({
    service: await McpService.create(ctx),
    settings,
    auth: await BearerAuth.create(tokens),
    listen,
  });
  // Always on stderr, whatever the log level: scripts and tests read the address from it.
  console.error(
    `${SERVER_NAME} ${VERSION}: serving MCP over Streamable HTTP at ${http.url} ` +
      `(${settings.stateless ? "stateless" : "stateful"}, ${tokens.length} token(s)` +
      `${s.demo ? ", demo cluster" : ""}); health at ${http.url.replace(/\/mcp$/, "/healthz")}`,
  );
  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const sig of signals) Deno.addSignalListener(sig, stop);
  await Promise.race([stopped, http.finished]);
  for (const sig of signals) Deno.removeSignalListener(sig, stop);
  ctx.logger.info("stopping the HTTP server");
  await http.shutdown();
  return EXIT.OK;
}
