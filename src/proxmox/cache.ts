/**
 * A short read cache for PVE GETs. It exists so that repeated reads within
 * one model turn (parallel tool calls, or one tool reading the same path
 * twice) cost one round trip, without ever showing the model data older than
 * what it has already seen:
 *
 * - entries live at most `ttlMs`;
 * - any mutation (POST/PUT/DELETE) clears everything, and a GET that was in
 *   flight while a mutation ran is not stored (generation counter);
 * - by default entries only live while a tool call is running: when the server
 *   goes idle the cache is emptied, so a client that read a result, changed
 *   something outside this server and asks again always gets fresh data.
 *   `acrossCalls` keeps them between calls (faster paging of big listings, at
 *   the price of up to `ttlMs` staleness for changes made elsewhere);
 * - endpoints that tools poll (task status and logs, guest status/current,
 *   guest agent, HA status, logs) are never cached.
 *
 * Entries hold the raw answer text, so every hit parses its own copy and no
 * caller can corrupt what another one reads.
 *
 * @example
 * ```ts
 * import { ReadCache } from "./cache.ts";
 * const cache = new ReadCache({ enabled: true, ttlMs: 2000, acrossCalls: true });
 * const gen = cache.generation;
 * cache.store("/nodes", "/nodes", '{"data":[]}', gen);
 * console.log(cache.lookup("/nodes", "/nodes")); // '{"data":[]}'
 * cache.invalidate();
 * console.log(cache.lookup("/nodes", "/nodes")); // undefined
 * ```
 *
 * @module
 */

/** Settings of a {@linkcode ReadCache}. */
export interface ReadCacheOptions {
  enabled: boolean;
  /** Longest life of an entry, in milliseconds. */
  ttlMs: number;
  /** Keep entries while no tool call runs (default false: empty the cache when idle). */
  acrossCalls?: boolean;
  /** Clock, for tests. */
  now?: () => number;
  /** Most entries kept; the oldest go first (default 256). */
  maxEntries?: number;
}

/**
 * Templates whose answers change while a tool waits on them: caching these
 * would make a polling loop spin on a stale answer.
 */
const VOLATILE = [
  /(^|\/)tasks(\/|$)/, // task lists, status and logs
  /\/status\/current$/, // guest power state, polled while waiting for start/stop
  /\/agent(\/|$)/, // guest agent: exec-status, ping, network while booting
  /^\/cluster\/ha\/status/,
  /^\/cluster\/log$/,
  /\/(syslog|journal)$/,
];

/** Whether answers of this path template may be cached at all. */
export function isCacheable(template: string): boolean {
  return !VOLATILE.some((re) => re.test(template));
}

interface Entry {
  text: string;
  expires: number;
}

/** The cache; one per {@link PveClient}. */
export class ReadCache {
  readonly enabled: boolean;
  readonly ttlMs: number;
  readonly acrossCalls: boolean;
  readonly #now: () => number;
  readonly #max: number;
  readonly #entries = new Map<string, Entry>();
  #generation = 0;
  #activeCalls = 0;

  constructor(opts: ReadCacheOptions) {
    this.enabled = opts.enabled && opts.ttlMs > 0;
    this.ttlMs = opts.ttlMs;
    this.acrossCalls = opts.acrossCalls ?? false;
    this.#now = opts.now ?? (() => performance.now());
    this.#max = opts.maxEntries ?? 256;
  }

  /** Bumped by every invalidation; a GET stores its answer only if it did not change. */
  get generation(): number {
    return this.#generation;
  }

  /** Entries currently held (expired ones included until next touched). */
  get size(): number {
    return this.#entries.size;
  }

  /** Whether a lookup or store can succeed right now. */
  #live(): boolean {
    return this.enabled && (this.acrossCalls || this.#activeCalls > 0);
  }

  /** The cached answer text for `key` (a concrete path with query), if fresh. */
  lookup(template: string, key: string): string | undefined {
    if (!this.#live() || !isCacheable(template)) return undefined;
    const e = this.#entries.get(key);
    if (!e) return undefined;
    if (e.expires <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return e.text;
  }

  /** Stores an answer fetched while the generation was `generation`. */
  store(template: string, key: string, text: string, generation: number): void {
    if (!this.#live() || !isCacheable(template) || generation !== this.#generation) return;
    this.#entries.delete(key); // re-insert: Map order is the eviction order
    this.#entries.set(key, { text, expires: this.#now() + this.ttlMs });
    while (this.#entries.size > this.#max) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
  }

  /** Forgets everything; answers still in flight will not be stored. */
  invalidate(): void {
    this.#generation++;
    this.#entries.clear();
  }

  /**
   * Marks the start of a tool call; the returned function marks its end. When
   * the last running call ends (and `acrossCalls` is off) the cache empties.
   */
  enterCall(): () => void {
    this.#activeCalls++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.#activeCalls--;
      if (this.#activeCalls === 0 && !this.acrossCalls) this.invalidate();
    };
  }
}
