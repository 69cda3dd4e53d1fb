/**
 * End-to-end harness for the HTTP transport: spawns the real server with
 * `serve --http 127.0.0.1:0` (the start task's permission flags), reads the
 * address it prints, and connects SDK clients over Streamable HTTP.
 *
 * @example
 * ```ts ignore
 * const srv = await startHttpProcess({ config: configFor(sim, DEMO_TOKEN, { http }) });
 * const client = await connectHttp(srv.url, "my-token-0123456789");
 * await client.callTool({ name: "get_nodes", arguments: {} });
 * await client.close(); await srv.close();
 * ```
 *
 * @module
 */

import { Client, StreamableHTTPClientTransport } from "./sdk_client.ts";
import { childEnv, REPO_ROOT, startTaskFlags } from "./harness.ts";

/** A spawned HTTP server. */
export interface HttpProcess {
  /** `http://127.0.0.1:PORT/mcp` */
  url: string;
  /** `http://127.0.0.1:PORT` */
  base: string;
  stderr(): string;
  close(): Promise<void>;
}

/** Spawns the server over HTTP with `config` written to a temporary file. */
export async function startHttpProcess(opts: {
  config: unknown;
  listen?: string;
  args?: string[];
  env?: Record<string, string>;
}): Promise<HttpProcess> {
  const dir = await Deno.makeTempDir({ prefix: "pmcp-http-" });
  const configPath = `${dir}/config.json`;
  await Deno.writeTextFile(configPath, JSON.stringify(opts.config, null, 2));
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...startTaskFlags(),
      "src/main.ts",
      "--config",
      configPath,
      "serve",
      "--http",
      opts.listen ?? "127.0.0.1:0",
      ...(opts.args ?? []),
    ],
    cwd: REPO_ROOT,
    env: childEnv(opts.env),
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let err = "";
  const decoder = new TextDecoder();
  const { promise: address, resolve, reject } = Promise.withResolvers<string>();
  (async () => {
    for await (const chunk of child.stderr) {
      err += decoder.decode(chunk, { stream: true });
      const m = /Streamable HTTP at (http:\/\/\S+\/mcp)/.exec(err);
      if (m) resolve(m[1]);
    }
    reject(new Error(`server exited before listening:\n${err}`));
  })();
  const timer = setTimeout(() => reject(new Error(`no address after 20 s:\n${err}`)), 20_000);
  let url: string;
  try {
    url = await address;
  } catch (e) {
    child.kill("SIGKILL");
    await child.status;
    throw e;
  } finally {
    clearTimeout(timer);
  }
  return {
    url,
    base: url.replace(/\/mcp$/, ""),
    stderr: () => err,
    close: async () => {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      await child.status;
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** An SDK client connected over Streamable HTTP, with a bearer token when given. */
export async function connectHttp(
  url: string,
  token?: string,
  headers: Record<string, string> = {},
): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: {
      headers: { ...headers, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    },
  });
  const client = new Client({ name: "e2e-http", version: "1.0.0" }, { capabilities: {} });
  await client.connect(transport);
  return client;
}

/** A raw JSON-RPC POST to `/mcp`, as an MCP client sends it. */
export async function rawPost(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return await fetch(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json, text/event-stream",
      ...headers,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** The JSON-RPC `tools/call` request for `name`. */
export function toolCall(name: string, args: Record<string, unknown> = {}, id = 1) {
  return { jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: args } };
}

/** The first JSON-RPC message of an SSE or JSON response body. */
export async function firstMessage(res: Response): Promise<Record<string, unknown>> {
  const text = await res.text();
  if ((res.headers.get("content-type") ?? "").includes("text/event-stream")) {
    const data = text.split("\n").find((l) => l.startsWith("data: ") && l.length > 7);
    return JSON.parse(data!.slice(6));
  }
  return JSON.parse(text);
}
