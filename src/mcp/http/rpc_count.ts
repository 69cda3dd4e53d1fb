/**
 * How many JSON-RPC calls a POST carries, so the per-token concurrency limit
 * counts calls, not HTTP requests: a batch of 20 `tools/call`s takes 20
 * slots. The body is read once with a hard bound (a chunked body has no
 * Content-Length to trust) and handed on as bytes.
 *
 * @example
 * ```ts
 * import { countCalls, readBounded } from "./rpc_count.ts";
 * const body = '[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"n"}]';
 * const read = await readBounded(new Request("http://x/mcp", { method: "POST", body }), 1024);
 * console.log(read.ok && countCalls(read.bytes)); // 1 (the notification takes no slot)
 * ```
 *
 * @module
 */

import { type BoundedBody, readBounded as readStream } from "../../platform/bounded_read.ts";

export type { BoundedBody };

/** Reads at most `max` bytes of the request body (see src/platform/bounded_read.ts). */
export function readBounded(req: Request, max: number): Promise<BoundedBody> {
  return readStream(req.body, max);
}

/**
 * The JSON-RPC requests (messages with a method and an id) in a body; at least 1, so that an
 * unparsable body still takes a slot while the SDK answers it with a parse error.
 */
export function countCalls(bytes: Uint8Array): number {
  let msg: unknown;
  try {
    msg = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return 1;
  }
  const list = Array.isArray(msg) ? msg : [msg];
  const calls =
    list.filter((m) => typeof m === "object" && m !== null && "method" in m && "id" in m).length;
  return Math.max(1, calls);
}
