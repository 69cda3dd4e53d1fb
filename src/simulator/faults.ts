/**
 * Fault injection: make the next matching request(s) fail the way a real
 * network or a real PVE does. Faults are checked in insertion order, right
 * after the request is read (before auth), and are used up after `times`.
 *
 * @module
 */

/** Which requests a fault applies to; everything when omitted. */
export interface FaultMatch {
  method?: string;
  /** Exact decoded API path (`/nodes/pve1/status`, without `/api2/json`) or a RegExp on it. */
  path?: string | RegExp;
}

interface FaultBase {
  match?: FaultMatch;
  /** How many requests it hits; default unlimited. */
  times?: number;
}

/**
 * - `status`: answer with this HTTP status; `message` goes on the status line
 *   and in the body (`{"data":null,"message":...}`), as PVE does.
 * - `malformed`: 200 with a truncated JSON body.
 * - `wrong-shape`: 200 with valid JSON whose `data` has the wrong type.
 * - `hang`: never answer (released when the client gives up or the server closes).
 * - `reset`: `at: "connect"` closes the connection without answering;
 *   `at: "body"` (default) sends the headers and half the body, then closes.
 * - `huge`: 200 with a body of `bytes` bytes (a JSON string that never ends
 *   in time), streamed: a hostile or broken PVE sending hundreds of MiB.
 * - `endless`: 200 whose body streams until the client goes away.
 * - `gzip-bomb`: 200, `Content-Encoding: gzip`, a small body that inflates to
 *   `bytes` bytes (a broken or hostile proxy).
 * - `bad-gzip`: 200, `Content-Encoding: gzip`, a body that is no gzip at all.
 */
export type Fault =
  | (FaultBase & { kind: "status"; status: number; message?: string })
  | (FaultBase & { kind: "malformed" })
  | (FaultBase & { kind: "wrong-shape" })
  | (FaultBase & { kind: "hang" })
  | (FaultBase & { kind: "reset"; at?: "connect" | "body" })
  | (FaultBase & { kind: "huge"; bytes: number })
  | (FaultBase & { kind: "endless" })
  | (FaultBase & { kind: "gzip-bomb"; bytes: number })
  | (FaultBase & { kind: "bad-gzip" });

/** The active faults of one simulator. */
export class FaultSet {
  #faults: { fault: Fault; left: number }[] = [];

  /** Adds a fault. */
  inject(fault: Fault): void {
    this.#faults.push({ fault, left: fault.times ?? Infinity });
  }

  /** Removes every fault. */
  clear(): void {
    this.#faults = [];
  }

  /** The first fault matching the request, used up by one; undefined if none. */
  take(method: string, path: string): Fault | undefined {
    for (const f of this.#faults) {
      if (f.left <= 0 || !matches(f.fault.match, method, path)) continue;
      f.left--;
      this.#faults = this.#faults.filter((x) => x.left > 0);
      return f.fault;
    }
    return undefined;
  }
}

function matches(m: FaultMatch | undefined, method: string, path: string): boolean {
  if (!m) return true;
  if (m.method && m.method.toUpperCase() !== method) return false;
  if (m.path === undefined) return true;
  return typeof m.path === "string" ? m.path === path : m.path.test(path);
}

/** Default status-line texts for `status` faults without a message. */
export const STATUS_TEXT: Record<number, string> = {
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  595: "No route to host",
  596: "Connection timed out",
  599: "Too many redirections",
};
