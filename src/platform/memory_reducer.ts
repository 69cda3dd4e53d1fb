/**
 * Gives memory back once the server goes quiet after large answers. V8 sizes
 * its heap for the peak of the work it just did (a 10,000-guest
 * `/cluster/resources` is 3 MB of JSON and about 15 MB of objects) and only
 * shrinks it when the embedder says the process is idle, which Deno never
 * does: after thirty such listings an idle server held twice its start-up
 * memory until some later major collection. This module is that idle signal.
 * Calls are bracketed with {@linkcode MemoryReducer.begin}; when the last one
 * ends with the heap grown by more than `growthBytes` since the last
 * collection, one memory-reducing collection runs after `idleMs` without a
 * call (a call arriving first cancels it). A burst of large calls without a
 * pause is bounded too: once the heap has grown by `burstBytes`, the
 * collection runs right after the call that crossed it, calls or not, since
 * the peak of the heap is what the allocator keeps afterwards.
 *
 * @example
 * ```ts
 * import { MemoryReducer } from "./memory_reducer.ts";
 * let heap = 0, collected = 0;
 * const r = new MemoryReducer({ idleMs: 1, growthBytes: 10, usage: () => heap, collect: () => { collected++; heap = 0; } });
 * const end = r.begin();
 * heap = 50; // the call read a large answer
 * end();
 * await new Promise((ok) => setTimeout(ok, 20));
 * console.log(collected); // 1
 * ```
 *
 * @module
 */

/** Options of {@linkcode MemoryReducer}; the defaults suit a stdio or HTTP server. */
export interface MemoryReducerOptions {
  /** Quiet time after the last call before collecting (ms). */
  idleMs?: number;
  /** Growth of committed memory since the last collection that makes one worth its cost. */
  growthBytes?: number;
  /** Growth that is collected at once, without waiting for a quiet moment. */
  burstBytes?: number;
  /** Committed memory the collection can give back: V8 heap plus external buffers. */
  usage?: () => number;
  /** The collection itself. */
  collect?: () => void | Promise<void>;
}

const MiB = 1024 * 1024;

/** V8's committed heap plus the buffers it owns (answer bytes, inflate windows). */
export function committedBytes(): number {
  const m = Deno.memoryUsage();
  return m.heapTotal + m.external;
}

type GcFunction = (opts?: { type: string; execution: string; flavor?: string }) => void;
let gcFunction: Promise<GcFunction | undefined> | undefined;

/**
 * V8's `gc` extension, taken at run time on first use. As a command-line V8 flag it would change
 * the flag hash V8 stamps on its code cache (measured: processes with and without it recompiled
 * each other's modules); set and unset here around one new context, it does not (measured).
 */
function exposedGc(): Promise<GcFunction | undefined> {
  return gcFunction ??= (async () => {
    const own = (globalThis as { gc?: GcFunction }).gc;
    if (typeof own === "function") return own;
    try {
      const v8 = await import("node:v8");
      const vm = await import("node:vm");
      v8.setFlagsFromString("--expose-gc");
      try {
        return vm.runInNewContext("gc") as GcFunction;
      } finally {
        v8.setFlagsFromString("--no-expose-gc"); // no later context gets it
      }
    } catch {
      return undefined; // a runtime without the extension: memory is then V8's own business
    }
  })();
}

/**
 * One full collection that also shrinks the heap and returns freed pages (V8's "last resort"
 * flavour, what its own memory reducer does for an idle page). Tens of milliseconds on a
 * 30 MB heap, which is why it only runs when the server is idle.
 */
export async function reduceMemory(): Promise<void> {
  const gc = await exposedGc();
  gc?.({ type: "major", execution: "sync", flavor: "last-resort" });
}

/** Brackets calls and collects once they stop (see the module doc). */
export class MemoryReducer {
  readonly #idleMs: number;
  readonly #growth: number;
  readonly #burst: number;
  readonly #usage: () => number;
  readonly #collect: () => void | Promise<void>;
  #inFlight = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The pending collection is a burst one: calls do not cancel it. */
  #urgent = false;
  #baseline: number | undefined;
  #collecting = false;

  constructor(opts: MemoryReducerOptions = {}) {
    this.#idleMs = opts.idleMs ?? 250;
    this.#growth = opts.growthBytes ?? 16 * MiB;
    this.#burst = opts.burstBytes ?? 48 * MiB;
    this.#usage = opts.usage ?? committedBytes;
    this.#collect = opts.collect ?? reduceMemory;
  }

  /** Marks a call as running; the function returned ends it (a second end is ignored). */
  begin(): () => void {
    this.#inFlight++;
    if (!this.#urgent) this.#cancel();
    this.#baseline ??= this.#usage();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.#inFlight--;
      if (this.#collecting || (this.#timer !== undefined && this.#urgent)) return;
      const grown = this.#usage() - this.#baseline!;
      // After the answer is written (a macrotask later), not inside this call.
      if (grown >= this.#burst) this.#schedule(0, true);
      else if (this.#inFlight === 0 && grown >= this.#growth) this.#schedule(this.#idleMs, false);
    };
  }

  /** Stops a pending collection (at shutdown). */
  close(): void {
    this.#cancel();
  }

  #cancel(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#urgent = false;
  }

  #schedule(delayMs: number, urgent: boolean): void {
    this.#cancel();
    this.#urgent = urgent;
    const timer = setTimeout(() => void this.#run(), delayMs);
    // A pending collection never keeps the process alive.
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }

  async #run(): Promise<void> {
    const urgent = this.#urgent;
    this.#timer = undefined;
    this.#urgent = false;
    if ((this.#inFlight > 0 && !urgent) || this.#collecting) return;
    this.#collecting = true;
    try {
      await this.#collect();
    } catch {
      // Collecting is an optimisation: a failure changes nothing a caller sees.
    } finally {
      this.#collecting = false;
      this.#baseline = this.#usage();
    }
  }
}
