/**
 * The audit trail: one JSON line per mutating call (and per refused one),
 * appended and synced before the tool answers. Each line carries `prev`, the
 * SHA-256 of the previous line, so an edited, removed, inserted or reordered
 * line breaks the chain (`proxmox-mcp audit verify`).
 *
 * Arguments are recorded after secret redaction; a crash can at worst tear
 * the last line, never the ones before it (single append per line).
 *
 * @example
 * ```ts ignore
 * import { FileAuditLog } from "./audit.ts";
 * const audit = new FileAuditLog("/var/log/proxmox-mcp/audit.jsonl", redactor);
 * await audit.record({ tool: "vm_start", outcome: "ok", target: { node: "pve1", vmid: 100 } });
 * ```
 *
 * @module
 */

import type { Redactor } from "../log.ts";

/** What one audit line says. */
export interface AuditRecord {
  /** The MCP tool that was called. */
  tool: string;
  /** ok: done; error: PVE or the task failed; refused: policy, protection or confirmation said no;
   * dry-run: planned only; started: task started without waiting. */
  outcome: "ok" | "error" | "refused" | "dry-run" | "started" | "timeout" | "cancelled";
  target?: {
    cluster?: string;
    node?: string;
    vmid?: number;
    type?: "qemu" | "lxc";
    [k: string]: unknown;
  };
  /** Arguments as given (secrets redacted before writing). */
  args?: Record<string, unknown>;
  upid?: string;
  exitstatus?: string;
  duration_ms?: number;
  /** Why it was refused or failed. */
  reason?: string;
  /** Who asked: the MCP client (and HTTP token name when serving over HTTP). */
  client?: string;
  /** Anything else worth keeping (e.g. argv and byte counts for guest commands). */
  detail?: Record<string, unknown>;
}

/** Where audit records go. */
export interface AuditSink {
  /** Appends one record; resolves once it is on disk. */
  record(entry: AuditRecord): Promise<void>;
}

/** The `prev` of the first line of a new chain. */
export const GENESIS = "0".repeat(64);

/** SHA-256 of a line (without its newline), hex. */
export async function lineHash(line: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(line));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Discards records (no audit file configured); the logger still notes each mutation. */
export class NullAuditLog implements AuditSink {
  record(): Promise<void> {
    return Promise.resolve();
  }
}

/** Appends hash-chained JSON lines to a file. */
export class FileAuditLog implements AuditSink {
  #prev: string | undefined;
  #queue: Promise<void> = Promise.resolve();

  constructor(readonly path: string, private readonly redactor: Redactor) {}

  record(entry: AuditRecord): Promise<void> {
    // Serialised: the chain needs each line's hash before the next line is written.
    const next = this.#queue.then(() => this.#append(entry));
    this.#queue = next.catch(() => {});
    return next;
  }

  async #append(entry: AuditRecord): Promise<void> {
    this.#prev ??= await this.#lastHash();
    const line = this.redactor.redact(
      JSON.stringify({ ts: new Date().toISOString(), ...entry, prev: this.#prev }),
    );
    const file = await Deno.open(this.path, { append: true, create: true, mode: 0o600 });
    try {
      await file.write(new TextEncoder().encode(line + "\n"));
      await file.syncData();
    } finally {
      file.close();
    }
    this.#prev = await lineHash(line);
  }

  /** Hash of the last complete line already in the file (continuing its chain). */
  async #lastHash(): Promise<string> {
    let text: string;
    try {
      text = await Deno.readTextFile(this.path);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return GENESIS;
      throw e;
    }
    // The part after the last newline is either empty or a torn line (crash mid-write):
    // either way the chain continues from the last complete line.
    const complete = text.split("\n").slice(0, -1);
    const last = complete.filter((l) => l.length > 0).at(-1);
    return last === undefined ? GENESIS : await lineHash(last);
  }
}
