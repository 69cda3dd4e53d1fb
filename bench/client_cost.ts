/**
 * What a server's tool list costs the client: the time a real MCP client
 * library spends in its first `listTools()` (parsing the answer with its
 * schemas, and in the v1 client compiling a validator for every output
 * schema), measured in-process so neither the server nor the pipe is timed.
 * Each server's session is recorded once over stdio with the same client
 * library; fresh clients then connect to a replay of that recording, which
 * parses the recorded text anew for every answer, as the stdio transport
 * would. The v2 client compiles output validators on the first `callTool`
 * instead, so that step is also timed alone with each SDK's Ajv validator.
 *
 * @example
 * ```ts ignore
 * import { compileMs, listToolsMs, record } from "./client_cost.ts";
 * const t = await record(minimalSpec(), "v1");
 * console.log(await listToolsMs(t, "v1"), compileMs(JSON.parse(t.list).tools, "v2"));
 * ```
 *
 * @module
 */

import {
  Client as V1Client,
  StdioClientTransport as V1Stdio,
} from "../tests/support/sdk_client.ts";
// @ts-types="@modelcontextprotocol/sdk/validation/ajv"
import { AjvJsonSchemaValidator as V1Ajv } from "@modelcontextprotocol/sdk/validation/ajv-provider.js";
import { Client as V2Client } from "@modelcontextprotocol/client";
import { StdioClientTransport as V2Stdio } from "@modelcontextprotocol/client/stdio";
import { AjvJsonSchemaValidator as V2Ajv } from "@modelcontextprotocol/client/validators/ajv";
import { childEnv } from "../tests/support/harness.ts";
import type { ServerSpec } from "./spawn.ts";

/** The two client libraries measured. */
export type ClientLib = "v1" | "v2";
export const CLIENT_LIBS: readonly ClientLib[] = ["v1", "v2"];

/** One recorded session: each answer's JSON text by request method; `list` is tools/list's result. */
export interface Transcript {
  answers: Map<string, string>;
  list: string;
}

type Message = { id?: string | number; method?: string; result?: unknown };
/** The surface both client libraries share, for code that runs either. */
interface AnyClient {
  connect(t: unknown): Promise<void>;
  listTools(): Promise<{ tools: unknown[] }>;
  close(): Promise<void>;
}

const INFO = { name: "bench-client-cost", version: "1.0.0" };
const newClient = (lib: ClientLib): AnyClient =>
  (lib === "v1"
    ? new V1Client(INFO, { capabilities: {} })
    : new V2Client(INFO, { capabilities: {} })) as unknown as AnyClient;

/** Spawns `spec`, connects a `lib` client, lists the tools and records every answer. */
export async function record(spec: ServerSpec, lib: ClientLib): Promise<Transcript> {
  const opts = { command: Deno.execPath(), args: spec.args, cwd: spec.cwd, env: childEnv() };
  const transport = lib === "v1"
    ? new V1Stdio({ ...opts, stderr: "pipe" })
    : new V2Stdio({ ...opts, stderr: "pipe" });
  const methods = new Map<string | number, string>();
  const answers = new Map<string, string>();
  const send = transport.send.bind(transport) as (...a: unknown[]) => Promise<void>;
  transport.send = (m: Message, ...rest: unknown[]) => {
    if (m.method && m.id !== undefined) methods.set(m.id, m.method);
    return send(m, ...rest);
  };
  // Both SDKs chain a handler set before connect(), so this sees every answer first.
  transport.onmessage = (m: Message) => {
    const method = m.id !== undefined ? methods.get(m.id) : undefined;
    if (method && !answers.has(method)) answers.set(method, JSON.stringify(m));
  };
  const client = newClient(lib);
  try {
    await client.connect(transport);
    await client.listTools();
  } finally {
    await client.close();
  }
  const list = answers.get("tools/list");
  if (!list) throw new Error(`no tools/list answer recorded from ${spec.args.join(" ")}`);
  return { answers, list: JSON.stringify((JSON.parse(list) as Message).result) };
}

/** A transport answering each request from a transcript, parsing the recorded text each time. */
class Replay {
  onmessage?: (m: Message) => void;
  onclose?: () => void;
  onerror?: (e: Error) => void;
  constructor(private readonly answers: Map<string, string>) {}
  start() {
    return Promise.resolve();
  }
  send(m: Message) {
    if (m.method === undefined || m.id === undefined) return Promise.resolve();
    const text = this.answers.get(m.method);
    if (text === undefined) {
      return Promise.reject(new Error(`replay: the recorded session has no answer to ${m.method}`));
    }
    queueMicrotask(() => this.onmessage?.({ ...JSON.parse(text), id: m.id }));
    return Promise.resolve();
  }
  close() {
    this.onclose?.();
    return Promise.resolve();
  }
}

/** Milliseconds of a fresh `lib` client's first `listTools()` against a replay of `t`. */
export async function listToolsMs(t: Transcript, lib: ClientLib): Promise<number> {
  const client = newClient(lib);
  await client.connect(new Replay(t.answers));
  const t0 = performance.now();
  await client.listTools();
  const elapsed = performance.now() - t0;
  await client.close();
  return elapsed;
}

/** Milliseconds a fresh `lib` Ajv validator takes to compile every output schema in `tools`. */
export function compileMs(tools: readonly { outputSchema?: object }[], lib: ClientLib): number {
  const v = lib === "v1" ? new V1Ajv() : new V2Ajv();
  const t0 = performance.now();
  for (const t of tools) if (t.outputSchema) v.getValidator(t.outputSchema as never);
  return performance.now() - t0;
}
