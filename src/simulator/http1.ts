/**
 * A minimal HTTP/1.1 server over a Deno listener (TLS in practice).
 *
 * Why not `Deno.serve`: PVE puts its error text on the status line
 * (`HTTP/1.1 401 invalid token value!`) and `Deno.serve` always sends an empty
 * reason phrase. Owning the connection also lets faults truncate a body,
 * reset a connection mid-answer or hang without a timer.
 *
 * @module
 */

import { gzipSync } from "node:zlib";

/** A request as read from the wire. */
export interface RawRequest {
  method: string;
  /** Request target as sent, e.g. `/api2/json/nodes?x=1` (still percent-encoded). */
  target: string;
  headers: Headers;
  body: Uint8Array;
  /** True when the request carried a body (Content-Length > 0 or chunked). */
  hasBody: boolean;
}

/** What to send back. */
export interface RawResponse {
  status: number;
  /** Reason phrase: PVE's message (no newlines). */
  reason: string;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  /** Send only this many body bytes (Content-Length still announces all), then close. */
  truncateAt?: number;
  /** Close the connection without answering. */
  abort?: boolean;
  /** Never answer; the connection is released when the client goes away or the server closes. */
  hang?: boolean;
  /** Stream a `{"data":"xxx…` body of this many bytes, or until the client goes away. */
  stream?: number | "endless";
}

/** Handler of {@link serveHttp1}. */
export type RawHandler = (req: RawRequest) => Promise<RawResponse>;

/** A running server. */
export interface Http1Server {
  /** Resolves once the server is closing (for anything that must give up then). */
  readonly closing: Promise<void>;
  /** Stops accepting, drops every connection and waits until all of them are released. */
  close(): Promise<void>;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const MAX_HEAD = 64 * 1024;

/** Serves `handler` on `listener` until {@link Http1Server.close}. */
export function serveHttp1(listener: Deno.Listener, handler: RawHandler): Http1Server {
  const conns = new Set<Deno.Conn>();
  const tasks = new Set<Promise<void>>();
  let closed = false;
  let signalClosing!: () => void;
  const closing = new Promise<void>((r) => (signalClosing = r));

  const acceptLoop = (async () => {
    while (!closed) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch {
        break; // listener closed
      }
      conns.add(conn);
      const t = handleConn(conn, handler, closing).finally(() => {
        conns.delete(conn);
        tasks.delete(t);
      });
      tasks.add(t);
    }
  })();

  return {
    closing,
    async close() {
      if (closed) return;
      closed = true;
      signalClosing();
      try {
        listener.close();
      } catch { /* already closed */ }
      for (const c of conns) {
        try {
          c.close();
        } catch { /* already closed */ }
      }
      await acceptLoop;
      await Promise.allSettled([...tasks]);
    },
  };
}

async function handleConn(
  conn: Deno.Conn,
  handler: RawHandler,
  closing: Promise<void>,
): Promise<void> {
  const r = new ConnReader(conn);
  try {
    while (true) {
      const req = await readRequest(r);
      if (!req) break;
      const answer = handler(req).catch((e): RawResponse => ({ status: 500, reason: String(e) }));
      const res = await Promise.race([answer, closing.then(() => undefined)]);
      if (!res || res.abort) break;
      if (res.hang) {
        // Wait for the client to go away (read returns EOF/error) or the server to close.
        await Promise.race([closing, r.fill().catch(() => {})]);
        break;
      }
      if (res.stream !== undefined) {
        await writeStream(conn, res.stream, closing);
        break;
      }
      const keepAlive = await writeResponse(conn, req, res);
      if (!keepAlive) break;
    }
  } catch {
    // TLS handshake refused by the client, connection reset, malformed request: just drop it.
  } finally {
    try {
      conn.close();
    } catch { /* closed by close() */ }
  }
}

/**
 * As pve-http-server (PVE::APIServer::AnyEvent `response`): a body over 1 KiB is gzipped when
 * the request accepts gzip. Not for a truncation fault, whose cut must fall in the plain body.
 */
function encodeBody(req: RawRequest, res: RawResponse): { body: Uint8Array; gzip: boolean } {
  const plain = typeof res.body === "string" ? enc.encode(res.body) : res.body ?? new Uint8Array();
  const accepts = /\bgzip\b/i.test(req.headers.get("accept-encoding") ?? "");
  const encoded = res.headers?.["Content-Encoding"] !== undefined; // a fault's own encoding
  if (!accepts || encoded || plain.length <= 1024 || res.truncateAt !== undefined) {
    return { body: plain, gzip: false };
  }
  return { body: gzipSync(plain), gzip: true };
}

async function writeResponse(conn: Deno.Conn, req: RawRequest, res: RawResponse): Promise<boolean> {
  const { body, gzip } = encodeBody(req, res);
  const close = res.truncateAt !== undefined ||
    (req.headers.get("connection") ?? "").toLowerCase() === "close";
  const headers: Record<string, string> = {
    "Cache-Control": "max-age=0",
    "Connection": close ? "close" : "Keep-Alive",
    "Date": new Date().toUTCString(),
    "Pragma": "no-cache",
    "Server": "pve-api-daemon/3.0",
    "Expires": new Date().toUTCString(),
    ...res.headers,
    ...(gzip && { "Content-Encoding": "gzip" }),
    "Content-Length": String(body.length),
  };
  let head = `HTTP/1.1 ${res.status} ${res.reason.replace(/[\r\n]+/g, " ").trim()}\r\n`;
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
  const sent = res.truncateAt === undefined ? body : body.subarray(0, res.truncateAt);
  await writeAll(conn, concat(enc.encode(head + "\r\n"), sent));
  return !close;
}

// A fault: an answer too big to hold, sent in 64 KiB pieces until done, the client gone or the
// server closing. Without a length when endless (HTTP/1.1: the body runs until the close).
async function writeStream(
  conn: Deno.Conn,
  total: number | "endless",
  closing: Promise<void>,
): Promise<void> {
  let closed = false;
  closing.then(() => (closed = true));
  const length = total === "endless" ? "" : `Content-Length: ${total}\r\n`;
  await writeAll(
    conn,
    enc.encode(
      `HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=UTF-8\r\n${length}` +
        "Connection: close\r\n\r\n",
    ),
  );
  const start = enc.encode('{"data":"');
  await writeAll(conn, start);
  const piece = new Uint8Array(64 * 1024).fill(0x78);
  let sent = start.length;
  try {
    while (!closed && (total === "endless" || sent < total)) {
      const n = total === "endless" ? piece.length : Math.min(piece.length, total - sent);
      await writeAll(conn, piece.subarray(0, n));
      sent += n;
    }
  } catch { /* the client went away: what a capped reader does */ }
}

async function writeAll(conn: Deno.Conn, data: Uint8Array): Promise<void> {
  let off = 0;
  while (off < data.length) off += await conn.write(data.subarray(off));
}

type Bytes = Uint8Array<ArrayBuffer>;

function concat(a: Uint8Array, b: Uint8Array): Bytes {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

async function readRequest(r: ConnReader): Promise<RawRequest | undefined> {
  const headEnd = await r.findSeq([13, 10, 13, 10], MAX_HEAD);
  if (headEnd < 0) return undefined;
  const lines = dec.decode(r.take(headEnd + 4)).split("\r\n");
  const [method, target] = lines[0].split(" ");
  if (!method || !target) throw new Error("bad request line");
  const headers = new Headers();
  for (const line of lines.slice(1)) {
    const i = line.indexOf(":");
    if (i > 0) headers.append(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  let body: Bytes = new Uint8Array();
  let hasBody = false;
  if ((headers.get("transfer-encoding") ?? "").toLowerCase().includes("chunked")) {
    const parts: Uint8Array[] = [];
    while (true) {
      const end = await r.findSeq([13, 10], MAX_HEAD);
      if (end < 0) throw new Error("eof in chunk");
      const size = parseInt(dec.decode(r.take(end + 2)).split(";")[0], 16);
      if (!(size >= 0)) throw new Error("bad chunk");
      if (size === 0) {
        await r.findSeq([13, 10], MAX_HEAD).then((e) => e >= 0 && r.take(e + 2)); // trailer end
        break;
      }
      parts.push(await r.readExact(size + 2).then((b) => b.subarray(0, size)));
    }
    body = parts.reduce<Bytes>((a, b) => concat(a, b), new Uint8Array());
    hasBody = body.length > 0;
  } else {
    const len = Number(headers.get("content-length") ?? "0");
    if (len > 0) {
      body = await r.readExact(len);
      hasBody = true;
    }
  }
  return { method, target, headers, body, hasBody };
}

/** Buffered reads from a connection. */
class ConnReader {
  #buf: Bytes = new Uint8Array(0);
  #conn: Deno.Conn;
  constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }
  /** Reads more bytes; returns false on EOF. */
  async fill(): Promise<boolean> {
    const chunk = new Uint8Array(16 * 1024);
    const n = await this.#conn.read(chunk);
    if (n === null) return false;
    this.#buf = concat(this.#buf, chunk.subarray(0, n));
    return true;
  }
  /** Index of `seq` in the buffer, reading as needed; -1 on EOF (or limit). */
  async findSeq(seq: number[], limit: number): Promise<number> {
    let from = 0;
    while (true) {
      for (let i = from; i + seq.length <= this.#buf.length; i++) {
        if (seq.every((b, j) => this.#buf[i + j] === b)) return i;
      }
      from = Math.max(0, this.#buf.length - seq.length + 1);
      if (this.#buf.length > limit || !(await this.fill())) return -1;
    }
  }
  /** Removes and returns the first `n` buffered bytes. */
  take(n: number): Bytes {
    const out = this.#buf.slice(0, n);
    this.#buf = this.#buf.subarray(n);
    return out;
  }
  /** Reads exactly `n` bytes. */
  async readExact(n: number): Promise<Bytes> {
    while (this.#buf.length < n) if (!(await this.fill())) throw new Error("unexpected EOF");
    return this.take(n);
  }
}
