/**
 * Request guards of the HTTP transport: the listen address, DNS-rebinding
 * protection (Host and Origin), and the per-token concurrency limit.
 *
 * @example
 * ```ts
 * import { isLoopback, parseListen } from "./guards.ts";
 * const addr = parseListen("0.0.0.0:8080");
 * console.log(addr, isLoopback(addr.hostname)); // { hostname: "0.0.0.0", port: 8080 } false
 * ```
 *
 * @module
 */

/** Where to listen. */
export interface ListenAddress {
  hostname: string;
  port: number;
}

/** Parses `HOST:PORT`, `[V6]:PORT`, `:PORT` or `PORT` (loopback when the host is left out). */
export function parseListen(text: string): ListenAddress {
  const t = text.trim();
  const bad = (why: string) =>
    new TypeError(
      `--http "${text}" ${why}: use e.g. 127.0.0.1:8080, [::1]:8080 or 0.0.0.0:8080`,
    );
  let host: string;
  let portText: string;
  const v6 = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(t);
  if (/^\d+$/.test(t)) [host, portText] = ["", t];
  else if (v6) [host, portText] = [v6[1], v6[2]];
  else {
    const i = t.lastIndexOf(":");
    if (i < 0) throw bad("has no port");
    [host, portText] = [t.slice(0, i), t.slice(i + 1)];
    if (host.includes(":")) throw bad("has an IPv6 address without [brackets]");
    if (host && !/^[A-Za-z0-9.-]+$/.test(host)) throw bad("has an invalid host");
  }
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 0 && port <= 65535)) throw bad("has no valid port (0-65535)");
  return { hostname: host || "127.0.0.1", port };
}

/** Whether a host name or address only reaches this machine. */
export function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** The host name of a `Host` header (port and IPv6 brackets removed). */
export function hostOnly(hostHeader: string): string {
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(hostHeader);
  if (v6) return v6[1].toLowerCase();
  return hostHeader.replace(/:\d+$/, "").toLowerCase();
}

/** Host/Origin policy. */
export interface OriginPolicy {
  /** Extra allowed `Host` values (`name` or `name:port`); empty: see {@linkcode checkHost}. */
  allowedHosts: readonly string[];
  /** Browser origins allowed to call (e.g. `https://inspector.example`). */
  allowedOrigins: readonly string[];
  /** Bound to loopback: then only loopback `Host` names are accepted by default. */
  loopback: boolean;
}

/**
 * Why a `Host` header is refused, or undefined when accepted. With `allowedHosts` set, only
 * those; otherwise a loopback-bound server accepts only loopback names (a DNS-rebinding page
 * reaches it under its own domain name), and a server on a public address accepts any.
 */
export function checkHost(host: string | null, p: OriginPolicy): string | undefined {
  if (!host) return "the request has no Host header";
  const name = hostOnly(host);
  if (p.allowedHosts.length) {
    const ok = p.allowedHosts.some((a) => a.toLowerCase() === host.toLowerCase() || a === name);
    return ok ? undefined : `Host "${host}" is not in http.allowed_hosts`;
  }
  if (p.loopback && !isLoopback(name)) {
    return `Host "${host}" is not a loopback name: add it to http.allowed_hosts if intended`;
  }
  return undefined;
}

/**
 * Why an `Origin` header is refused, or undefined when accepted. Non-browser MCP clients send no
 * Origin; a browser page may call only from an origin listed in `http.allowed_origins`, or from
 * exactly the server's own origin (`own`: the page this server itself would serve). Any other
 * page is refused, loopback ones included: a page on another local port (any local dev server,
 * a compromised tool) must not drive a no-token loopback server. A rebinding page has its own
 * domain: refused too.
 */
export function checkOrigin(
  origin: string | null,
  p: OriginPolicy,
  own?: string,
): string | undefined {
  if (origin === null) return undefined;
  const o = origin.replace(/\/$/, "").toLowerCase();
  if (p.allowedOrigins.some((a) => a.replace(/\/$/, "").toLowerCase() === o)) return undefined;
  if (own !== undefined && o === own.toLowerCase()) return undefined;
  return `Origin "${origin}" is not allowed: add it to http.allowed_origins to let that page call`;
}

/** Counts requests in flight per token and refuses beyond a limit. */
export class ConcurrencyLimiter {
  #inFlight = new Map<string, number>();

  constructor(readonly limit: number) {}

  /**
   * A release function when `slots` are free (a JSON-RPC batch takes one per call in it), else
   * undefined. Release is idempotent.
   */
  acquire(key: string, slots = 1): (() => void) | undefined {
    const n = this.#inFlight.get(key) ?? 0;
    if (n + slots > this.limit) return undefined;
    this.#inFlight.set(key, n + slots);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#inFlight.get(key) ?? slots) - slots;
      if (left <= 0) this.#inFlight.delete(key);
      else this.#inFlight.set(key, left);
    };
  }

  /** Requests in flight for `key`. */
  current(key: string): number {
    return this.#inFlight.get(key) ?? 0;
  }
}

/**
 * The response with `onDone` called once its body has been fully sent, cancelled or failed
 * (at once when it has no body): an SSE answer counts as in flight until its stream ends.
 */
export function onBodyDone(res: Response, onDone: () => void): Response {
  if (!res.body) {
    onDone();
    return res;
  }
  const reader = res.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          onDone();
          controller.close();
        } else controller.enqueue(value);
      } catch (e) {
        onDone();
        controller.error(e);
      }
    },
    cancel(reason) {
      onDone();
      return reader.cancel(reason);
    },
  });
  return new Response(body, {
    status: res.status,
    statusText: res.statusText,
    headers: res.headers,
  });
}
