/**
 * Reads a byte stream with a hard bound: at most `max` bytes are kept, and
 * past that the stream is cancelled, so a huge or endless request body never
 * fills memory (src/mcp/http/rpc_count.ts). PVE answers are bounded the same
 * way in src/proxmox/transport.ts, which decodes them as they arrive and joins
 * node:https chunks with {@linkcode concatBytes}.
 *
 * @example
 * ```ts
 * import { readBounded } from "./bounded_read.ts";
 * const r = await readBounded(new Response("hello").body, 3);
 * console.log(r.ok, !r.ok && r.readBytes); // false 5
 * ```
 *
 * @module
 */

/** The body, or the fact that it is larger than allowed (reading stopped there). */
export type BoundedBody = { ok: true; bytes: Uint8Array } | { ok: false; readBytes: number };

/** Reads at most `max` bytes of `body`; stops (and cancels the stream) beyond that. */
export async function readBounded(
  body: ReadableStream<Uint8Array> | null,
  max: number,
): Promise<BoundedBody> {
  if (!body) return { ok: true, bytes: new Uint8Array() };
  const reader = body.getReader();
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
  return { ok: true, bytes: concatBytes(parts) };
}

/** The chunks as one array. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}
