/**
 * The stdio transport with a bound that refuses one message instead of
 * ending the connection. The SDK's transport closes itself when a line grows
 * past its buffer (10 MiB): one oversized message (a huge pasted argument)
 * stopped the whole server, exit 0, silently. Here a line longer than
 * `maxMessageBytes` is skipped up to its newline, logged, and answered with a
 * JSON-RPC error carrying its id when the id can be read from the line's
 * start (clients write `jsonrpc`, `id`, `method` first), so the caller fails
 * at once instead of waiting; everything before and after it is served.
 *
 * @example
 * ```ts ignore
 * import { BoundedStdioTransport } from "./stdio_bounded.ts";
 * serveStdio(factory, { transport: new BoundedStdioTransport({ maxMessageBytes: 10 << 20, onOversized }) });
 * ```
 *
 * @module
 */

import process from "node:process";
import { Buffer } from "node:buffer";
import { StdioServerTransport } from "./sdk.ts";

/** Default bound of one message (bytes), the SDK's own buffer size. */
export const MAX_STDIO_MESSAGE_BYTES = 10 * 1024 * 1024;

/** What was refused, for the log. */
export interface OversizedMessage {
  bytes: number;
  id: string | number | undefined;
}

/** Options of {@linkcode BoundedStdioTransport}. */
export interface BoundedStdioOptions {
  maxMessageBytes?: number;
  onOversized?(m: OversizedMessage): void;
}

const NEWLINE = 0x0a;

/** The id of a JSON-RPC message from the first bytes of its line, when it is there. */
export function leadingId(head: string): string | number | undefined {
  const m =
    /^\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?"id"\s*:\s*(-?\d{1,15}|"(?:[^"\\]|\\.){0,200}")/
      .exec(head);
  if (!m) return undefined;
  return m[1].startsWith('"') ? JSON.parse(m[1]) as string : Number(m[1]);
}

/** stdio, one oversized message refused, the connection kept. */
export class BoundedStdioTransport extends StdioServerTransport {
  constructor(opts: BoundedStdioOptions = {}) {
    const max = opts.maxMessageBytes ?? MAX_STDIO_MESSAGE_BYTES;
    // The SDK's buffer only ever holds complete lines within the bound, plus one newline.
    super(process.stdin, process.stdout, { maxBufferSize: max + 1 });
    const forward = this._ondata;
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    let skipping: { bytes: number; head: string } | undefined;
    const refuse = (bytes: number, head: string) => {
      const id = leadingId(head);
      opts.onOversized?.({ bytes, id });
      if (id === undefined) return;
      this.send({
        jsonrpc: "2.0",
        id,
        error: {
          code: -32600,
          message: `message of ${bytes}+ bytes refused: the limit is ${max} bytes per message ` +
            "(send large data in smaller pieces)",
        },
      }).catch(() => {});
    };
    this._ondata = (chunk: Buffer) => {
      let rest: Uint8Array = chunk;
      while (rest.length) {
        const nl = rest.indexOf(NEWLINE);
        const part = nl < 0 ? rest : rest.subarray(0, nl + 1);
        rest = nl < 0 ? new Uint8Array() : rest.subarray(nl + 1);
        if (skipping) {
          skipping.bytes += part.length;
          if (nl >= 0) {
            refuse(skipping.bytes, skipping.head);
            skipping = undefined;
          }
          continue;
        }
        if (pendingBytes + part.length > max + 1) {
          const head = new TextDecoder().decode(
            concatAll([...pending, part]).subarray(0, 1024),
          );
          skipping = { bytes: pendingBytes + part.length, head };
          pending = [];
          pendingBytes = 0;
          if (nl >= 0) {
            refuse(skipping.bytes, skipping.head);
            skipping = undefined;
          }
          continue;
        }
        pending.push(part);
        pendingBytes += part.length;
        if (nl >= 0) {
          const line = pending.length === 1 ? pending[0] : concatAll(pending);
          pending = [];
          pendingBytes = 0;
          forward(Buffer.from(line));
        }
      }
    };
  }
}

function concatAll(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
