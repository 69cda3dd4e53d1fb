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

/** TLS settings for {@linkcode createTransport}. */
export interface TransportOptions {
  verifyTls: boolean;
  /** Extra trusted CA certificates (PEM), e.g. the cluster's pve-root-ca.pem. */
  caCerts: string[];
}

/** Builds the transport for the given TLS settings. */
export function createTransport(opts: TransportOptions): Transport {
  return opts.verifyTls ? fetchTransport(opts.caCerts) : insecureTransport();
}

function fetchTransport(caCerts: string[]): Transport {
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
      return { status: res.status, statusText: res.statusText, body: await res.text() };
    },
    close: () => {
      client.close();
      once.close();
    },
  };
}

function insecureTransport(): Transport {
  // An explicit (empty) `ca` keeps node:tls from loading the system store, which would need
  // --allow-sys; with verification off no CA is consulted anyway.
  const agent = new https.Agent({ rejectUnauthorized: false, keepAlive: true, ca: [] });
  // As above: node:https also re-sends a request on a reused socket that drops (deno#36786).
  const once = new https.Agent({ rejectUnauthorized: false, keepAlive: false, ca: [] });
  return {
    send: (req) =>
      new Promise<TransportResponse>((resolve, reject) => {
        const u = new URL(req.url);
        const r = https.request({
          host: u.hostname.replace(/^\[|\]$/g, ""),
          port: Number(u.port || 443),
          path: u.pathname + u.search,
          method: req.method,
          headers: req.headers,
          agent: req.method === "GET" ? agent : once,
          signal: req.signal,
        }, (res) => {
          const chunks: Uint8Array[] = [];
          res.on("data", (c: Uint8Array) => chunks.push(c));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              statusText: res.statusMessage ?? "",
              body: new TextDecoder().decode(concat(chunks)),
            }));
          res.on("error", reject);
        });
        r.on("error", reject);
        if (req.body !== undefined) r.write(req.body);
        r.end();
      }),
    close: () => {
      agent.destroy();
      once.destroy();
    },
  };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
