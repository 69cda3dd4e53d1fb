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

/** The body, or the fact that it is larger than allowed (reading stopped there). */
export type BoundedBody = { ok: true; bytes: Uint8Array } | { ok: false; readBytes: number };

/** Reads at most `max` bytes of the body; stops (and cancels the stream) beyond that. */
export async function readBounded(req: Request, max: number): Promise<BoundedBody> {
  if (!req.body) return { ok: true, bytes: new Uint8Array() };
  const reader = req.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return { ok: false, readBytes: size };
    }
    parts.push(value);
  }
  const bytes = new Uint8Array(size);
  let off = 0;
  for (const p of parts) {
    bytes.set(p, off);
    off += p.length;
  }
  return { ok: true, bytes };
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
