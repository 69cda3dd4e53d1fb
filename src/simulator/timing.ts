/**
 * Latency and server-cost helpers. Every wait is cancellable by the server's
 * close signal, so closing never leaves a timer behind (Deno's test sanitizers).
 *
 * @module
 */

/** Waits `ms` (nothing for 0), or less if `signal` aborts first. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(id);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const id = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * A fixed number of workers, like pvedaemon's handful of processes that serve
 * `protected` endpoints: a call waits for a free worker, then holds it while it runs.
 */
export class WorkerPool {
  #free: number;
  #queue: (() => void)[] = [];

  constructor(workers: number) {
    this.#free = workers;
  }

  /** Runs `fn` on a worker. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((r) => this.#queue.push(r));
    try {
      return await fn();
    } finally {
      const next = this.#queue.shift();
      if (next) next();
      else this.#free++;
    }
  }

  /** Lets every waiting call through (on close, so nothing stays pending). */
  drain(): void {
    for (const next of this.#queue.splice(0)) next();
  }
}
