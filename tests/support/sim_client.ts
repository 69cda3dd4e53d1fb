/**
 * A tiny PVE API client for the simulator's own tests: fetch over TLS trusting
 * the simulator's CA, token header, PVE-style parameter encoding.
 *
 * @module
 */

import { DEMO_TOKEN, type SimToken, type Simulator } from "../../src/simulator/mod.ts";

/** An answer with its parsed body (`undefined` when empty or not JSON). */
export interface SimAnswer {
  status: number;
  body: string;
  json:
    | { data?: unknown; errors?: Record<string, string>; message?: string; total?: number }
    | undefined;
}

/** Options of {@link SimClient.call}. */
export interface CallOptions {
  /** Default: DEMO_TOKEN; `null` sends no Authorization header. */
  token?: SimToken | null;
  /** Query (GET/DELETE) or form body (POST/PUT); arrays become repeated keys. */
  params?: Record<string, string | number | (string | number)[]>;
  /** Raw body to send as is (e.g. to test a body on GET). */
  rawBody?: string;
  signal?: AbortSignal;
}

/** Calls the simulator; close it when done. */
export interface SimClient {
  call(method: string, path: string, opts?: CallOptions): Promise<SimAnswer>;
  close(): void;
}

/** `PVEAPIToken=user@realm!tokenid=secret`. */
export const authHeader = (t: SimToken): string => `PVEAPIToken=${t.user}!${t.tokenid}=${t.secret}`;

/** A client for `sim` (API paths are given without `/api2/json`). */
export function simClient(sim: Simulator): SimClient {
  const client = Deno.createHttpClient({ caCerts: [sim.caCertPem], http2: false });
  return {
    async call(method, path, opts = {}) {
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries(opts.params ?? {})) {
        for (const x of Array.isArray(v) ? v : [v]) form.append(k, String(x));
      }
      const inQuery = method === "GET" || method === "DELETE";
      const qs = inQuery && [...form].length ? `?${form}` : "";
      const headers: Record<string, string> = {};
      const token = opts.token === undefined ? DEMO_TOKEN : opts.token;
      if (token) headers.Authorization = authHeader(token);
      let body: string | undefined = opts.rawBody;
      if (!inQuery && body === undefined) {
        body = form.toString();
        headers["Content-Type"] = "application/x-www-form-urlencoded";
      }
      const res = await fetch(`${sim.url}/api2/json${path}${qs}`, {
        method,
        headers,
        body,
        client,
        signal: opts.signal,
      });
      const text = await res.text();
      let json: SimAnswer["json"];
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: res.status, body: text, json };
    },
    close: () => client.close(),
  };
}

/**
 * Sends one request over a raw TLS connection and returns the status line,
 * e.g. `HTTP/1.1 401 invalid token value!`. Needed because fetch reports the
 * standard reason phrase, not the one on the wire, where PVE puts its message.
 */
export async function statusLine(
  sim: Simulator,
  method: string,
  path: string,
  token: SimToken | null = DEMO_TOKEN,
): Promise<string> {
  const conn = await Deno.connectTls({
    hostname: sim.hostname,
    port: sim.port,
    caCerts: [sim.caCertPem],
  });
  try {
    const auth = token ? `Authorization: ${authHeader(token)}\r\n` : "";
    const req =
      `${method} /api2/json${path} HTTP/1.1\r\nHost: ${sim.hostname}\r\n${auth}Connection: close\r\n\r\n`;
    await conn.write(new TextEncoder().encode(req));
    let text = "";
    const buf = new Uint8Array(4096);
    while (!text.includes("\r\n")) {
      const n = await conn.read(buf);
      if (n === null) break;
      text += new TextDecoder().decode(buf.subarray(0, n));
    }
    return text.split("\r\n")[0];
  } finally {
    conn.close();
  }
}
