/**
 * How bytes reach PVE. `fetch` with an `HttpClient` that trusts the configured
 * CA is the normal path; `verify_ssl: false` uses `node:https` because Deno's
 * `fetch` cannot switch certificate checks off for one client.
 *
 * @example
 * ```ts ignore
 * import { createTransport } from "./transport.ts";
 * const t = createTransport({ verifyTls: true, caCerts: [] });
 * const r = await t.send({ method: "GET", url: "https://pve:8006/api2/json/version",
 *   headers: {}, signal: AbortSignal.timeout(5000) });
 * console.log(r.status);
 * t.close();
 * ```
 *
 * @module
 */

import https from "node:https";
import { PveError } from "./errors.ts";
import { concatBytes } from "../platform/bounded_read.ts";

/** One HTTP exchange, as the client needs it. */
export interface TransportRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

/** The answer: status, the reason phrase PVE puts its message in, and the raw body. */
export interface TransportResponse {
  status: number;
  statusText: string;
  body: string;
}

/** Sends requests; `close` frees pooled connections. */
export interface Transport {
  send(req: TransportRequest): Promise<TransportResponse>;
  close(): void;
}

/** TLS settings and limits for {@linkcode createTransport}. */
export interface TransportOptions {
  verifyTls: boolean;
  /** Extra trusted CA certificates (PEM), e.g. the cluster's pve-root-ca.pem. */
  caCerts: string[];
  /** Largest answer body read (bytes); reading stops beyond it. Default {@link MAX_ANSWER_BYTES}. */
  maxAnswerBytes?: number;
}

/** Default cap on one PVE answer: far above any real listing, far below what hurts the process. */
export const MAX_ANSWER_BYTES = 32 * 1024 * 1024;

/** The answer grew past the cap: reading stopped, the connection was dropped (never retried). */
export function answerTooLarge(method: string, url: string, max: number): PveError {
  const path = new URL(url).pathname.replace(/^\/api2\/json/, "");
  return new PveError(
    "bad-response",
    `PVE's answer to ${method} ${path} is larger than ${max} bytes (proxmox.max_answer_bytes): ` +
      "reading stopped. A proxy or a broken node in between? Raise the limit only if a real " +
      "listing is that large.",
    { method, path },
  );
}

/** Builds the transport for the given TLS settings. */
export function createTransport(opts: TransportOptions): Transport {
  const max = opts.maxAnswerBytes ?? MAX_ANSWER_BYTES;
  if (!opts.verifyTls) return nodeTransport(false, [], max);
  // fetch hands back the standard reason phrase ("Forbidden"), not the one on the wire, and
  // PVE before 8.3 sends its error text only there (`403 Permission check failed (/vms/100,
  // VM.PowerMgmt)`; tests/unit/reason_phrase_test.ts shows both). node:https keeps it; with `ca`
  // set it trusts exactly those CAs (the cluster's own, from proxmox.ca_file), so without one
  // fetch stays, for certificates from the public roots.
  return opts.caCerts.length ? nodeTransport(true, opts.caCerts, max) : fetchTransport([], max);
}

/** The `fetch` transport (exported for tests: the default one trusts only public roots). */
export function fetchTransport(caCerts: string[], max: number): Transport {
  // HTTP/1.1 only: PVE puts its error message in the reason phrase, which HTTP/2 drops.
  const client = Deno.createHttpClient({ caCerts, http2: false, poolIdleTimeout: 30_000 });
  // Mutations never reuse a pooled connection: when one drops before the answer, fetch sends
  // the request again by itself (denoland/deno#35610), which could run a POST twice.
  const once = Deno.createHttpClient({ caCerts, http2: false, poolMaxIdlePerHost: 0 });
  return {
    async send(req) {
      const res = await fetch(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal: req.signal,
        client: req.method === "GET" ? client : once,
      });
      return {
        status: res.status,
        statusText: res.statusText,
        body: await readCapped(res, max, () => answerTooLarge(req.method, req.url, max)),
      };
    },
    close: () => {
      client.close();
      once.close();
    },
  };
}

function nodeTransport(verify: boolean, ca: string[], max: number): Transport {
  // An explicit `ca` (empty when verification is off: no CA is consulted then) keeps node:tls
  // from loading the system store, which would need --allow-sys.
  const agent = new https.Agent({ rejectUnauthorized: verify, keepAlive: true, ca });
  // As above: node:https also re-sends a request on a reused socket that drops (deno#36786).
  const once = new https.Agent({ rejectUnauthorized: verify, keepAlive: false, ca });
  return {
    send: (req) =>
      new Promise<TransportResponse>((resolve, reject) => {
        const u = new URL(req.url);
        const r = https.request({
          host: u.hostname.replace(/^\[|\]$/g, ""),
          port: Number(u.port || 443),
          path: u.pathname + u.search,
          method: req.method,
          // As fetch does by itself: PVE gzips answers over 1 KiB when asked (pve-http-server),
          // a tenth of the bytes for the big listings.
          headers: { ...req.headers, "Accept-Encoding": "gzip" },
          agent: req.method === "GET" ? agent : once,
          signal: req.signal,
        }, (res) => {
          // Joined once at the end: node:https hands over many small buffers, and decoding each
          // as it comes made more garbage than it saved (measured: bench/surface.ts RSS).
          const chunks: Uint8Array[] = [];
          let size = 0;
          res.on("data", (c: Uint8Array) => {
            size += c.length;
            if (size <= max) return void chunks.push(c);
            chunks.length = 0;
            r.destroy();
            reject(answerTooLarge(req.method, req.url, max));
          });
          // Cut short while the body streams, by our timeout or cancel (AbortError) or by the
          // other side (a dropped connection): either way the promise must settle.
          const cut = () =>
            reject(
              req.signal.aborted
                ? new DOMException("answer aborted", "AbortError")
                : new Error("connection closed before the answer was complete"),
            );
          res.on("aborted", cut);
          res.on("close", () => {
            if (!res.complete) cut();
          });
          res.on("end", () => {
            // Also emitted when an aborted or refused answer's socket closes: not a body then.
            if (!res.complete || size > max) return cut();
            const bytes = concatBytes(chunks);
            chunks.length = 0;
            const gzipped = /^\s*gzip\s*$/i.test(String(res.headers["content-encoding"] ?? ""));
            const body = gzipped
              ? gunzipText(bytes, max, () => answerTooLarge(req.method, req.url, max))
              : Promise.resolve(new TextDecoder().decode(bytes));
            body.then((text) =>
              resolve({
                status: res.statusCode ?? 0,
                statusText: res.statusMessage ?? "",
                body: text,
              }), reject);
          });
          res.on("error", reject);
        });
        r.on("error", reject);
        // node:https's own `signal` does not end a request waiting on a reused keep-alive
        // socket (a hung PVE then held the call for ever): end it here, whatever its phase.
        const onAbort = () => {
          reject(new DOMException("request aborted", "AbortError"));
          r.destroy();
        };
        if (req.signal.aborted) onAbort();
        else req.signal.addEventListener("abort", onAbort, { once: true });
        r.on("close", () => req.signal.removeEventListener("abort", onAbort));
        if (req.body !== undefined) r.write(req.body);
        r.end();
      }),
    close: () => {
      agent.destroy();
      once.destroy();
    },
  };
}

/** The body as text, read chunk by chunk and refused past `max` bytes (stream cancelled). */
function readCapped(res: Response, max: number, tooLarge: () => Error): Promise<string> {
  return res.body ? readStreamCapped(res.body, max, tooLarge) : Promise.resolve("");
}

/**
 * A gzipped answer as text, refused past `max` bytes once inflated: a small answer may inflate
 * to gigabytes (a broken or hostile proxy), so the bound applies to what is decoded.
 */
async function gunzipText(bytes: Uint8Array, max: number, tooLarge: () => Error) {
  const inflated = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new DecompressionStream("gzip"));
  try {
    return await readStreamCapped(inflated, max, tooLarge);
  } catch (e) {
    if (e instanceof PveError) throw e;
    throw new PveError(
      "bad-response",
      `PVE's answer says it is gzipped but does not inflate (${(e as Error).message}). A proxy ` +
        "in between that rewrites answers?",
    );
  }
}

async function readStreamCapped(
  stream: ReadableStream<Uint8Array>,
  max: number,
  tooLarge: () => Error,
): Promise<string> {
  const reader = stream.getReader();
  const text = new TextStream();
  let size = 0;
  while (true) {
    const { done, value } = await reader.read();
    if (done) return text.end();
    size += value.length;
    if (size > max) {
      text.drop();
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    text.push(value);
  }
}

/**
 * A body decoded as it arrives: each chunk's bytes become text at once and can be freed, so a
 * multi-megabyte listing (/cluster/resources of 10,000 guests) is never held as bytes, joined
 * bytes and text at the same time. Memory a process touched stays in its RSS (the allocator
 * keeps it), so the peak of one answer is what a long-running server keeps.
 */
class TextStream {
  #decoder = new TextDecoder();
  #parts: string[] = [];

  push(chunk: Uint8Array): void {
    this.#parts.push(this.#decoder.decode(chunk, { stream: true }));
  }

  drop(): void {
    this.#parts = [];
  }

  end(): string {
    this.#parts.push(this.#decoder.decode());
    const text = this.#parts.join("");
    this.#parts = [];
    return text;
  }
}
