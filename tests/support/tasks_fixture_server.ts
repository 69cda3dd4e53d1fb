/**
 * A test-only MCP server for the conformance referee's `tasks-*` scenarios:
 * the suite's fixture tools (greet, slow_compute, failing_job,
 * protocol_error_job, confirm_delete, multi_input, test_tool_with_task),
 * every task going through the project's own tasks module
 * (src/mcp/tasks/protocol.ts, sealed ids from src/mcp/tasks/ids.ts) with an
 * in-memory job kind, `local`, defined here.
 *
 *   deno run -A tests/support/tasks_fixture_server.ts PORT   # 0: any free port
 *
 * Serves Streamable HTTP on 127.0.0.1 only and prints
 * `listening http://127.0.0.1:PORT/mcp` on stderr when ready.
 *
 * @module
 */

import {
  acceptedContent,
  createMcpHandler,
  hostHeaderValidationResponse,
  inputRequired,
  localhostAllowedHostnames,
  localhostAllowedOrigins,
  originValidationResponse,
} from "@modelcontextprotocol/server";
import { z } from "zod/v4";
import {
  type CallToolResult,
  type InputRequiredResult,
  type McpRequestContext,
  McpServer,
  ProtocolError,
  ProtocolErrorCode,
  type ServerContext,
} from "../../src/mcp/sdk.ts";
import { Sealer } from "../../src/crypto/seal.ts";
import { type TaskFacts, TaskIds } from "../../src/mcp/tasks/ids.ts";
import {
  installTasks,
  missingTasksCapability,
  requestsTasks,
  taskAnswer,
  type TaskKind,
  type TaskState,
  type TaskStatus,
} from "../../src/mcp/tasks/protocol.ts";

const OWNER = "fixture";
const TTL_MS = 10 * 60_000;
const POLL_MS = 500;

// ------------------------------------------------------------ the local kind

type InputRequest = { method: string; params: Record<string, unknown> };

interface Job {
  status: TaskStatus;
  statusMessage?: string;
  lastUpdatedAt: string;
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: unknown };
  pending: Map<string, { req: InputRequest; resolve: (v: unknown) => void }>;
  abort: AbortController;
}

/** What a running job can do. */
interface JobHandle {
  readonly signal: AbortSignal;
  /** Parks the job in input_required until `tasks/update` answers `key`. */
  requestInput(key: string, req: InputRequest): Promise<unknown>;
}

// createMcpHandler builds an instance per request: jobs live at module level.
const jobs = new Map<string, Job>();

const now = () => new Date().toISOString();
const ended = (s: TaskStatus) => s === "completed" || s === "failed" || s === "cancelled";

function jobOf(facts: TaskFacts): Job {
  const id = facts.data.job;
  const job = typeof id === "string" ? jobs.get(id) : undefined;
  if (!job) {
    throw new ProtocolError(ProtocolErrorCode.InvalidParams, "Failed to retrieve task: job gone");
  }
  return job;
}

function stateOf(job: Job): TaskState {
  return {
    status: job.status,
    ...(job.statusMessage !== undefined ? { statusMessage: job.statusMessage } : {}),
    lastUpdatedAt: job.lastUpdatedAt,
    ...(job.status === "completed" ? { result: job.result } : {}),
    ...(job.status === "failed" ? { error: job.error } : {}),
    ...(job.status === "input_required"
      ? { inputRequests: Object.fromEntries([...job.pending].map(([k, v]) => [k, v.req])) }
      : {}),
  };
}

/** The in-memory job kind. */
const localKind: TaskKind = {
  pollIntervalMs: POLL_MS,
  get(facts) {
    return Promise.resolve(stateOf(jobOf(facts)));
  },
  cancel(facts) {
    const job = jobOf(facts);
    if (!ended(job.status)) {
      job.status = "cancelled";
      job.statusMessage = "Cancelled by client";
      job.pending.clear();
      job.abort.abort(new Error("cancelled"));
      job.lastUpdatedAt = now();
    }
    return Promise.resolve();
  },
  update(facts, responses) {
    const job = jobOf(facts);
    for (const [key, value] of Object.entries(responses)) {
      const waiter = job.pending.get(key);
      if (!waiter) continue; // unknown or already answered keys are ignored
      job.pending.delete(key);
      waiter.resolve(value);
    }
    if (job.status === "input_required" && job.pending.size === 0) job.status = "working";
    job.lastUpdatedAt = now();
    return Promise.resolve();
  },
};

/** Starts `work` as a job and answers the tools/call with its task (through our module). */
async function startJob(
  ids: TaskIds,
  work: (h: JobHandle) => Promise<CallToolResult>,
): Promise<CallToolResult> {
  const id = crypto.randomUUID();
  const job: Job = {
    status: "working",
    lastUpdatedAt: now(),
    pending: new Map(),
    abort: new AbortController(),
  };
  jobs.set(id, job);
  const purge = setTimeout(() => jobs.delete(id), TTL_MS + 60_000);
  Deno.unrefTimer(purge);

  const handle: JobHandle = {
    signal: job.abort.signal,
    requestInput: (key, req) =>
      new Promise((resolve, reject) => {
        const signal = job.abort.signal;
        if (signal.aborted) return reject(signal.reason);
        job.pending.set(key, { req, resolve });
        job.status = "input_required";
        job.lastUpdatedAt = now();
        signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      }),
  };

  queueMicrotask(async () => {
    try {
      const result = await work(handle);
      if (ended(job.status)) return; // cancelled meanwhile
      job.status = "completed";
      job.result = result as Record<string, unknown>;
    } catch (e) {
      if (ended(job.status)) return;
      // A tool-level failure is an isError result; anything thrown is a protocol failure.
      job.status = "failed";
      job.error = e instanceof ProtocolError
        ? { code: e.code, message: e.message, ...(e.data !== undefined ? { data: e.data } : {}) }
        : {
          code: ProtocolErrorCode.InternalError,
          message: e instanceof Error ? e.message : String(e),
        };
      job.statusMessage = `Task failed: ${job.error.message}`;
    }
    job.lastUpdatedAt = now();
  });

  const answer = await taskAnswer(
    ids,
    { kind: "local", owner: OWNER, data: { job: id } },
    localKind,
    stateOf(job),
  );
  // The SDK's tools/call seam passes a `resultType: "task"` answer through untouched.
  return answer as unknown as CallToolResult;
}

// ------------------------------------------------------------ the fixtures

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((res, rej) => {
    const t = setTimeout(res, ms);
    signal?.addEventListener("abort", () => (clearTimeout(t), rej(signal.reason)), {
      once: true,
    });
  });

const text = (t: string): CallToolResult => ({ content: [{ type: "text", text: t }] });
const needsTasks = (): CallToolResult => ({ ...text("needs tasks"), isError: true });

/** Tools that run only as a task: -32021 for a request without the extension. */
const REQUIRED_TASK_TOOLS = new Set(["failing_job", "test_tool_with_task"]);

function elicit(message: string, requestedSchema: Record<string, unknown>): InputRequest {
  return { method: "elicitation/create", params: { mode: "form", message, requestedSchema } };
}

function addFixtures(mcp: McpServer, ids: TaskIds): void {
  mcp.registerTool("greet", {
    description: "conformance fixture greet",
    inputSchema: z.object({ name: z.string() }),
  }, ({ name }) => text(`Hello, ${name}!`));

  mcp.registerTool("slow_compute", {
    description: "conformance fixture slow_compute",
    inputSchema: z.object({ seconds: z.number(), label: z.string().optional() }),
  }, async ({ seconds, label }, ctx) => {
    const done = () => text(`computed ${label ?? ""} in ${seconds}s`);
    if (!requestsTasks(ctx)) {
      await sleep(seconds * 1000, ctx.mcpReq.signal);
      return done();
    }
    return await startJob(ids, async (h) => {
      await sleep(seconds * 1000, h.signal);
      return done();
    });
  });

  mcp.registerTool("failing_job", {
    description: "conformance fixture failing_job",
    inputSchema: z.object({}),
  }, () =>
    startJob(ids, async () => {
      await sleep(300);
      return { ...text("job failed: disk full"), isError: true };
    }));

  mcp.registerTool("protocol_error_job", {
    description: "conformance fixture protocol_error_job",
    inputSchema: z.object({}),
  }, (_a, ctx) => {
    if (!requestsTasks(ctx)) throw new Error("needs tasks");
    return startJob(ids, async () => {
      await sleep(100);
      throw new ProtocolError(ProtocolErrorCode.InternalError, "backend exploded");
    });
  });

  mcp.registerTool("confirm_delete", {
    description: "conformance fixture confirm_delete",
    inputSchema: z.object({ filename: z.string() }),
  }, ({ filename }, ctx) => {
    if (!requestsTasks(ctx)) return needsTasks();
    return startJob(ids, async (h) => {
      const r = await h.requestInput(
        `confirm-${crypto.randomUUID()}`,
        elicit(`Delete ${filename}?`, {
          type: "object",
          properties: { confirm: { type: "boolean" } },
          required: ["confirm"],
        }),
      ) as { action?: string; content?: { confirm?: boolean } } | undefined;
      const yes = r?.action === "accept" && r.content?.confirm !== false;
      return text(yes ? `Deleted ${filename}` : `Kept ${filename}`);
    });
  });

  mcp.registerTool("multi_input", {
    description: "conformance fixture multi_input",
    inputSchema: z.object({}).loose(),
  }, (_a, ctx) => {
    if (!requestsTasks(ctx)) return needsTasks();
    return startJob(ids, async (h) => {
      const ask = (k: string) =>
        h.requestInput(
          k,
          elicit(`Input ${k}`, {
            type: "object",
            properties: { name: { type: "string" }, confirm: { type: "boolean" } },
            required: ["name"],
          }),
        );
      const got = await Promise.all([
        ask(`a-${crypto.randomUUID()}`),
        ask(`b-${crypto.randomUUID()}`),
      ]);
      return text(`got ${JSON.stringify(got)}`);
    });
  });

  mcp.registerTool("test_tool_with_task", {
    description: "conformance fixture test_tool_with_task",
    inputSchema: z.object({}).loose(),
  }, async (_a, ctx): Promise<CallToolResult | InputRequiredResult> => {
    const got = acceptedContent(
      ctx.mcpReq.inputResponses,
      "user_name",
      z.object({ name: z.string() }),
    );
    if (!got) {
      return inputRequired({
        inputRequests: {
          user_name: inputRequired.elicit({
            message: "Your name?",
            requestedSchema: z.object({ name: z.string() }),
          }),
        },
      });
    }
    return await startJob(ids, async () => {
      await sleep(200);
      return text(`Hello, ${got.name}!`);
    });
  });
}

/**
 * Raises -32021 for a required-task tool in front of McpServer's tools/call handler: McpServer
 * turns an error thrown from a tool callback into an `isError` result, never a JSON-RPC error.
 * The module has no hook for this, so the handler McpServer installed is read through the
 * SDK's protected `_getRequestHandler` and wrapped.
 */
function gateRequiredTaskTools(mcp: McpServer): void {
  type Inner = (req: unknown, ctx: ServerContext) => Promise<unknown>;
  const srv = mcp.server as unknown as { _getRequestHandler(m: string): Inner | undefined };
  const inner = srv._getRequestHandler("tools/call");
  if (!inner) throw new Error("tools/call handler not installed");
  mcp.server.setRequestHandler("tools/call", (req, ctx) => {
    if (REQUIRED_TASK_TOOLS.has(req.params.name) && !requestsTasks(ctx)) {
      throw missingTasksCapability();
    }
    const wire = { jsonrpc: "2.0", id: ctx.mcpReq.id, method: "tools/call", params: req.params };
    return inner(wire, ctx) as never;
  });
}

/** One instance per request (createMcpHandler). */
export function buildFixtureServer(ids: TaskIds, rc?: McpRequestContext): McpServer {
  const mcp = new McpServer(
    { name: "proxmox-mcp-tasks-fixture", version: "0.0.0" },
    { capabilities: { tools: {} } },
  );
  addFixtures(mcp, ids);
  // Tasks exist only in the modern era: a 2025 instance does not advertise them.
  if (rc?.era !== "legacy") {
    installTasks(mcp, { ids, owner: OWNER, kinds: { local: localKind } });
  }
  gateRequiredTaskTools(mcp);
  return mcp;
}

// ------------------------------------------------------------ serving

if (import.meta.main) {
  const port = Number(Deno.args[0] ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error("usage: tasks_fixture_server.ts PORT");
    Deno.exit(2);
  }
  const ids = new TaskIds(await Sealer.random(), { ttlMs: TTL_MS });
  const handler = createMcpHandler((rc) => buildFixtureServer(ids, rc), {
    legacy: "stateless",
    onerror: (e) => Deno.env.get("DEBUG") && console.error("[mcp]", e.message),
  });
  const hosts = localhostAllowedHostnames();
  const origins = localhostAllowedOrigins();
  Deno.serve({
    hostname: "127.0.0.1",
    port,
    onListen: (addr) => console.error(`listening http://127.0.0.1:${addr.port}/mcp`),
  }, (req) => {
    const rejected = hostHeaderValidationResponse(req, hosts) ??
      originValidationResponse(req, origins);
    return rejected ?? handler.fetch(req);
  });
}
