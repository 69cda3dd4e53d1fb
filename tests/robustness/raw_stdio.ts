/**
 * The server as a bare process: stdin, stdout and stderr piped straight to the
 * test, no SDK in between. Lets a test write arbitrary bytes (malformed
 * JSON-RPC) and keep every byte the server wrote (for the secret scan).
 *
 * @example
 * ```ts ignore
 * const p = await spawnRaw({ configPath });
 * await p.initialize();
 * const r = await p.request("tools/list", {});
 * await p.close();
 * ```
 *
 * @module
 */

import { childEnv, REPO_ROOT, startTaskFlags } from "../support/harness.ts";

/** A JSON-RPC message as read from stdout. */
// deno-lint-ignore no-explicit-any
export type RpcMessage = Record<string, any>;

/** A spawned server with raw pipes. */
export interface RawServer {
  readonly pid: number;
  /** Every byte written to stdout / stderr so far, decoded. */
  stdout(): string;
  stderr(): string;
  /** Every stdout line parsed (a line that is not JSON fails the test that checks it). */
  messages(): RpcMessage[];
  /** Writes raw bytes (no newline added). */
  write(data: string | Uint8Array): Promise<void>;
  /** Sends a request and waits for the answer with the same id. */
  request(method: string, params?: unknown, timeoutMs?: number): Promise<RpcMessage>;
  /** initialize + notifications/initialized. */
  initialize(): Promise<RpcMessage>;
  /** Resolves with the exit code if the process ended, else undefined (still running). */
  exited(): Promise<number | undefined>;
  /** Closes stdin and waits for exit. */
  close(): Promise<number>;
}

/** Spawns `src/main.ts --config configPath` with the start task's flags. */
export function spawnRaw(
  opts: { configPath: string; args?: string[]; env?: Record<string, string> },
): RawServer {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...startTaskFlags(),
      "src/main.ts",
      "--config",
      opts.configPath,
      ...(opts.args ?? []),
    ],
    cwd: REPO_ROOT,
    env: childEnv(opts.env),
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const dec = new TextDecoder();
  let out = "";
  let err = "";
  const waiters = new Map<number, (m: RpcMessage) => void>();
  let scanned = 0;
  const dispatch = () => {
    let nl;
    while ((nl = out.indexOf("\n", scanned)) >= 0) {
      const line = out.slice(scanned, nl);
      scanned = nl + 1;
      try {
        const m = JSON.parse(line) as RpcMessage;
        if (m.id !== undefined && waiters.has(m.id)) waiters.get(m.id)!(m);
      } catch { /* reported by messages() */ }
    }
  };
  const pump = async (s: ReadableStream<Uint8Array>, add: (t: string) => void) => {
    for await (const chunk of s) add(dec.decode(chunk, { stream: true }));
  };
  const reading = Promise.all([
    pump(child.stdout, (t) => {
      out += t;
      dispatch();
    }),
    pump(child.stderr, (t) => (err += t)),
  ]);
  const writer = child.stdin.getWriter();
  const enc = new TextEncoder();
  let nextId = 1000;
  let status: Deno.CommandStatus | undefined;
  const statusP = child.status.then((s) => (status = s));
  let stdinOpen = true;

  const self: RawServer = {
    pid: child.pid,
    stdout: () => out,
    stderr: () => err,
    messages: () => out.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l)),
    async write(data) {
      await writer.write(typeof data === "string" ? enc.encode(data) : data);
    },
    request(method, params, timeoutMs = 20_000) {
      const id = nextId++;
      return new Promise<RpcMessage>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(id);
          reject(new Error(`no answer to ${method} (id ${id}) within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.set(id, (m) => {
          clearTimeout(timer);
          waiters.delete(id);
          resolve(m);
        });
        self.write(JSON.stringify({ jsonrpc: "2.0", id, method, params }) + "\n").catch(reject);
      });
    },
    async initialize() {
      const r = await self.request("initialize", {
        protocolVersion: "2025-11-25",
        capabilities: {},
        clientInfo: { name: "raw-test", version: "1.0.0" },
      });
      await self.write(
        JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) + "\n",
      );
      return r;
    },
    async exited() {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([statusP, new Promise((r) => (timer = setTimeout(r, 0)))]);
      clearTimeout(timer);
      return status?.code;
    },
    async close() {
      if (stdinOpen) {
        stdinOpen = false;
        await writer.close().catch(() => {});
      }
      const killer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* already gone */ }
      }, 5000);
      const s = await statusP;
      clearTimeout(killer);
      await reading;
      return s.code;
    },
  };
  return self;
}
