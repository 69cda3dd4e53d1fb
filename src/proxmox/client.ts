/**
 * The PVE API client: token auth, per-request timeouts, bounded concurrency,
 * single-flight for identical GETs, and retries for GETs only. Requests name
 * the schema's path template, so every call is one the table knows.
 *
 * @example
 * ```ts ignore
 * import { PveClient } from "./client.ts";
 * const pve = PveClient.fromConfig(config, logger);
 * const nodes = await pve.get<Array<{ node: string }>>("/nodes");
 * const status = await pve.get("/nodes/{node}/status", { node: "pve1" });
 * ```
 *
 * @module
 */

import type { HttpMethod } from "./endpoints.ts";
import { lookupEndpoint } from "./endpoints_lazy.ts";
import { PveError } from "./errors.ts";
import { parseAnswer, transportError } from "./answer.ts";
import { checkPathParam } from "./params.ts";
import type { ReadCache } from "./cache.ts";
import type { Transport } from "./transport.ts";
import type { Logger } from "../log.ts";

/** Parameter values as callers give them; booleans travel as 0/1, arrays as repeated keys. */
export type ParamValue = string | number | boolean | readonly string[] | undefined;
export type Params = Record<string, ParamValue>;

/** Per-call options. */
export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Settings of a {@linkcode PveClient}. */
export interface PveClientOptions {
  /** e.g. `https://pve.lan:8006` */
  baseUrl: string;
  /** `USER@REALM!TOKENID` */
  tokenId: string;
  secret: string;
  transport: Transport;
  timeoutMs: number;
  logger?: Logger;
  /** Retries for GETs after network errors, 502 and 503 (default 2). */
  retries?: number;
  /** Most requests in flight at once (default 8). */
  maxConcurrency?: number;
  /** First retry delay; doubles each time (default 250 ms). */
  backoffMs?: number;
  /** Short read cache (see cache.ts); none when absent. */
  cache?: ReadCache;
}

/** Counters for tests and benchmarks. */
export interface ClientStats {
  requests: number;
  coalesced: number;
  retries: number;
  /** GETs answered from the read cache. */
  cached: number;
}

/** Encodes parameters as PVE expects them: 0/1 booleans, repeated keys for arrays. */
export function encodeParams(params: Params): URLSearchParams {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) { for (const item of v) out.append(k, item); }
    else if (typeof v === "boolean") out.append(k, v ? "1" : "0");
    else out.append(k, String(v));
  }
  return out;
}

/** Fills `{name}` segments of a template from `params`; returns the path and what is left. */
export function buildPath(template: string, params: Params): { path: string; rest: Params } {
  const rest: Params = { ...params };
  const path = template.replace(/\{([a-z_]+)\}/g, (_m, name: string) => {
    const raw = rest[name];
    delete rest[name];
    if (raw === undefined || Array.isArray(raw)) {
      throw new PveError("bad-request", `missing path parameter ${name} for ${template}`);
    }
    const value = String(raw);
    const why = checkPathParam(name, value);
    if (why) {
      throw new PveError("bad-request", `${name} ${JSON.stringify(value)} ${why}`, {
        paramErrors: { [name]: why },
      });
    }
    return encodeURIComponent(value);
  });
  return { path, rest };
}

/** Checks a call against what the token may do before it is sent (safety/permission_watch.ts). */
export interface RequestGuard {
  /** An error to answer instead of sending the request, or `undefined` to go ahead. */
  precheck(method: HttpMethod, template: string, params: Params): Promise<PveError | undefined>;
  /** Told about every 401/403 PVE answers, so what it knows can be refreshed. */
  denied(): void;
}

/** A small counting semaphore. */
class Gate {
  #free: number;
  #waiting: Array<() => void> = [];
  constructor(size: number) {
    this.#free = size;
  }
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((r) => this.#waiting.push(r));
    try {
      return await fn();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    }
  }
}

/** Talks to one PVE cluster with one API token. */
export class PveClient {
  readonly stats: ClientStats = { requests: 0, coalesced: 0, retries: 0, cached: 0 };
  readonly #opts: Required<Omit<PveClientOptions, "logger" | "cache">> & { logger?: Logger };
  readonly #cache?: ReadCache;
  readonly #gate: Gate;
  readonly #inflight = new Map<string, Promise<unknown>>();
  #guard?: RequestGuard;

  constructor(opts: PveClientOptions) {
    const { cache, ...rest } = opts;
    this.#opts = { retries: 2, maxConcurrency: 8, backoffMs: 250, ...rest };
    this.#cache = cache?.enabled ? cache : undefined;
    this.#gate = new Gate(this.#opts.maxConcurrency);
  }

  /**
   * Runs one tool call: the read cache lives while calls run (see cache.ts).
   *
   * @example
   * ```ts ignore
   * const out = await pve.withCall(() => tool.run(args, ctx));
   * ```
   */
  async withCall<T>(fn: () => Promise<T>): Promise<T> {
    const leave = this.#cache?.enterCall();
    try {
      return await fn();
    } finally {
      leave?.();
    }
  }

  /** `host:port` of the cluster, for messages. */
  get endpointLabel(): string {
    return new URL(this.#opts.baseUrl).host;
  }

  /** The token id (never the secret), for messages and the permission model. */
  get tokenId(): string {
    return this.#opts.tokenId;
  }

  /** Installs the permission pre-check (one per client). */
  setGuard(guard: RequestGuard | undefined): void {
    this.#guard = guard;
  }

  /** Runs `send` unless the guard refuses the call first. */
  #guarded<T>(method: HttpMethod, template: string, params: Params, send: () => Promise<T>) {
    if (!this.#guard) return send();
    return this.#guard.precheck(method, template, params).then((refusal) => {
      if (refusal) throw refusal;
      return send();
    });
  }

  /** GET; identical concurrent GETs share one request, fresh answers may come from the cache. */
  get<T = unknown>(template: string, params: Params = {}, opts: CallOptions = {}): Promise<T> {
    return this.#guarded("GET", template, params, () => this.#get<T>(template, params, opts));
  }

  #get<T>(template: string, params: Params, opts: CallOptions): Promise<T> {
    const { path, rest } = buildPath(template, params);
    const query = encodeParams(rest).toString();
    const key = query ? `${path}?${query}` : path;
    const hit = this.#cache?.lookup(template, key);
    if (hit !== undefined) {
      this.stats.cached++;
      // Parsed per hit: each caller owns its copy.
      return Promise.resolve((JSON.parse(hit) as { data: T }).data);
    }
    const pending = this.#inflight.get(key);
    if (pending && !opts.signal) {
      this.stats.coalesced++;
      return pending as Promise<T>;
    }
    const cache = this.#cache;
    const gen = cache?.generation ?? 0;
    const onBody = cache ? (text: string) => cache.store(template, key, text, gen) : undefined;
    const p: Promise<T> = this.#withRetries<T>("GET", template, path, query, opts, onBody)
      .finally(() => {
        if (this.#inflight.get(key) === p) this.#inflight.delete(key);
      });
    if (!opts.signal) this.#inflight.set(key, p);
    return p;
  }

  /** POST: never retried. */
  post<T = unknown>(template: string, params: Params = {}, opts: CallOptions = {}): Promise<T> {
    return this.#mutate<T>("POST", template, params, opts);
  }

  /** PUT: never retried. */
  put<T = unknown>(template: string, params: Params = {}, opts: CallOptions = {}): Promise<T> {
    return this.#mutate<T>("PUT", template, params, opts);
  }

  /** DELETE (query parameters, no body): never retried. */
  delete<T = unknown>(template: string, params: Params = {}, opts: CallOptions = {}): Promise<T> {
    return this.#guarded("DELETE", template, params, () => {
      const { path, rest } = buildPath(template, params);
      return this.#invalidating(() =>
        this.#send<T>("DELETE", template, path, encodeParams(rest).toString(), undefined, opts)
      );
    });
  }

  /** Frees pooled connections. */
  close(): void {
    this.#opts.transport.close();
  }

  #mutate<T>(method: HttpMethod, template: string, params: Params, opts: CallOptions) {
    return this.#guarded(method, template, params, () => {
      const { path, rest } = buildPath(template, params);
      return this.#invalidating(() =>
        this.#send<T>(method, template, path, "", encodeParams(rest).toString(), opts)
      );
    });
  }

  /**
   * Any mutation empties the read cache (and the single-flight table), before (reads after it must not see older answers)
   * and after (reads that raced with it may have stored pre-mutation state), success or not.
   */
  async #invalidating<T>(fn: () => Promise<T>): Promise<T> {
    this.#forget();
    try {
      return await fn();
    } finally {
      this.#forget();
    }
  }

  /** Drops cached answers, and lets later GETs stop joining requests sent before a mutation. */
  #forget(): void {
    this.#cache?.invalidate();
    this.#inflight.clear();
  }

  async #withRetries<T>(
    method: HttpMethod,
    template: string,
    path: string,
    query: string,
    opts: CallOptions,
    onBody?: (text: string) => void,
  ): Promise<T> {
    for (let attempt = 0;; attempt++) {
      try {
        return await this.#send<T>(method, template, path, query, undefined, opts, onBody);
      } catch (e) {
        if (!(e instanceof PveError) || !e.retryable || attempt >= this.#opts.retries) throw e;
        if (opts.signal?.aborted) throw e;
        this.stats.retries++;
        const delay = this.#opts.backoffMs * 2 ** attempt;
        this.#opts.logger?.debug("retrying GET", { path, attempt: attempt + 1, delay });
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  async #send<T>(
    method: HttpMethod,
    template: string,
    path: string,
    query: string,
    body: string | undefined,
    opts: CallOptions,
    onBody?: (text: string) => void,
  ): Promise<T> {
    // An endpoint outside the schema table is a bug: fail loudly.
    await lookupEndpoint(method, template);
    return await this.#gate.run(async () => {
      this.stats.requests++;
      const url = `${this.#opts.baseUrl}/api2/json${path}${query ? `?${query}` : ""}`;
      const timeoutMs = opts.timeoutMs ?? this.#opts.timeoutMs;
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
      const headers: Record<string, string> = {
        Authorization: `PVEAPIToken=${this.#opts.tokenId}=${this.#opts.secret}`,
        Accept: "application/json",
      };
      if (body !== undefined) headers["Content-Type"] = "application/x-www-form-urlencoded";
      const started = performance.now();
      let res;
      try {
        res = await this.#opts.transport.send({ method, url, headers, body, signal });
      } catch (e) {
        // Already typed by the transport (an answer over proxmox.max_answer_bytes): kept as is.
        if (e instanceof PveError && !timeout.aborted) throw e;
        throw transportError(e, { method, path, timeoutMs, label: this.endpointLabel, timeout });
      } finally {
        this.#opts.logger?.debug("pve request", {
          method,
          path,
          ms: Math.round(performance.now() - started),
        });
      }
      if (res.status === 401 || res.status === 403) this.#guard?.denied();
      const data = parseAnswer<T>(res.status, res.statusText, res.body, { method, path });
      onBody?.(res.body); // only answers that parsed as a success reach the cache
      return data;
    });
  }
}
