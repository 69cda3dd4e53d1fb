/**
 * The audit trail: one JSON line per mutating call (and per refused one),
 * appended and synced before the tool answers. Each line carries `prev`, the
 * SHA-256 of the previous line, so an edited, removed, inserted or reordered
 * line breaks the chain (`proxmox-mcp audit verify`); with `audit.key_file`
 * each line is also sealed with an HMAC (audit_key.ts), so the chain cannot
 * be recomputed without the key.
 *
 * Fail closed: {@linkcode AuditSink.ready} is asked before any change is sent
 * and refuses while the file (or key) cannot be written. Several processes
 * may share one file: each append holds an exclusive lock on `<file>.lock`
 * and continues from the file's real last line, so the chain does not fork.
 *
 * Arguments are recorded after secret redaction; characters JSON leaves raw
 * (C1 controls, U+2028/U+2029, bidi overrides) are escaped; a crash can at
 * worst tear the last line, never the ones before it (single append per line).
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
import { type AuditKey, loadAuditKey } from "./audit_key.ts";
import { lastLine, trailFiles } from "./audit_files.ts";
import { escapeJsonLine } from "./audit_text.ts";

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
  /** The MCP client's self-reported `name/version` (a claim, not an identity). */
  client?: string;
  /** Who acted: the HTTP bearer token's name, or "stdio" (the local user who started us). */
  actor?: string;
  /** Who confirmed a destructive action: the user when asked, the model's `confirm: true`. */
  confirmed_by?: "user" | "model" | "config";
  /** Anything else worth keeping (e.g. argv and byte counts for guest commands). */
  detail?: Record<string, unknown>;
}

/** Where audit records go. */
export interface AuditSink {
  /** Appends one record; resolves once it is on disk. */
  record(entry: AuditRecord): Promise<void>;
  /**
   * Resolves when a record can be written now; throws {@link AuditUnavailable} otherwise.
   * Asked before any change is sent: a change that cannot be recorded is not made.
   */
  ready(): Promise<void>;
}

/** The trail cannot be written: changes are refused until it can (fail closed). */
export class AuditUnavailable extends Error {
  constructor(path: string, why: string) {
    super(
      `the audit trail ${path} cannot be written (${why}); no change is made without a ` +
        "record: fix audit.file (directory, permissions, disk space, audit.key_file) and retry",
    );
    this.name = "AuditUnavailable";
  }
}

/** The `prev` of the first line of a new chain. */
export const GENESIS = "0".repeat(64);

/** SHA-256 of a line (without its newline), hex. */
export async function lineHash(line: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(line));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// In its own light module so that start-up need not load this one.
export { NullAuditLog } from "./audit_sink.ts";

/** Options of a {@linkcode FileAuditLog}. */
export interface FileAuditOptions {
  /** Rotate when the file reaches this size (bytes); never when unset. */
  maxBytes?: number;
  /** The HMAC key file (`audit.key_file`); created on first use. Unkeyed when unset. */
  keyFile?: string;
}

/** The chain position a new line continues from. */
interface ChainHead {
  hash: string;
  seq: number;
}

/** Appends hash-chained (and, with a key, HMAC-sealed) JSON lines to a file, rotating by size. */
export class FileAuditLog implements AuditSink {
  #queue: Promise<void> = Promise.resolve();
  #key: Promise<AuditKey> | undefined;
  /** Why the last write failed; cleared by the next successful one. */
  #failed: string | undefined;

  constructor(
    readonly path: string,
    private readonly redactor: Redactor,
    private readonly opts: FileAuditOptions = {},
  ) {}

  record(entry: AuditRecord): Promise<void> {
    // Serialised: the chain needs each line's hash before the next line is written.
    const next = this.#queue.then(() => this.#append(entry)).then(
      () => void (this.#failed = undefined),
      (e) => {
        this.#failed = (e as Error).message;
        throw e;
      },
    );
    this.#queue = next.catch(() => {});
    return next;
  }

  async ready(): Promise<void> {
    if (this.#failed) {
      throw new AuditUnavailable(this.path, `the last write failed: ${this.#failed}`);
    }
    try {
      await this.#loadKey();
      const f = await Deno.open(this.path, { append: true, create: true, mode: 0o600 });
      f.close();
    } catch (e) {
      throw new AuditUnavailable(this.path, (e as Error).message);
    }
  }

  #loadKey(): Promise<AuditKey> | undefined {
    if (!this.opts.keyFile) return undefined;
    // A failed load is retried next time (the admin may have fixed the file).
    this.#key ??= loadAuditKey(this.opts.keyFile, true).catch((e) => {
      this.#key = undefined;
      throw e;
    });
    return this.#key;
  }

  async #append(entry: AuditRecord): Promise<void> {
    const key = await this.#loadKey();
    const lock = await Deno.open(`${this.path}.lock`, { write: true, create: true, mode: 0o600 });
    try {
      // Across processes: whoever holds the lock reads the real head and appends after it.
      await lock.lock(true);
      const head = await readChainHead(this.path);
      await this.#rotateIfFull(head);
      const seq = head.seq + 1;
      const json = escapeJsonLine(this.redactor.redact(
        JSON.stringify({ seq, ts: new Date().toISOString(), ...entry, prev: head.hash }),
      ));
      const line = key ? await key.seal(json) : json;
      const file = await Deno.open(this.path, { append: true, create: true, mode: 0o600 });
      try {
        // One write per line: a crash can tear only this line, never earlier ones.
        await file.write(new TextEncoder().encode(line + "\n"));
        await file.syncData();
      } finally {
        file.close();
      }
    } finally {
      lock.close(); // releases the lock
    }
  }

  async #rotateIfFull(head: ChainHead) {
    if (!this.opts.maxBytes) return;
    const size = await Deno.stat(this.path).then((s) => s.size, () => 0);
    if (size < this.opts.maxBytes) return;
    // Named by the last seq it holds, zero-padded (verify orders by content, not by name).
    await Deno.rename(this.path, `${this.path}.${String(head.seq).padStart(10, "0")}`);
  }
}

/** The hash and seq of the last complete line of an audit file (or of its newest rotation). */
export async function readChainHead(path: string): Promise<ChainHead> {
  let last = await lastLine(path);
  if (last === undefined) {
    const newest = (await trailFiles(path)).files.at(-1);
    if (newest) last = await lastLine(newest.path);
  }
  if (last === undefined) return { hash: GENESIS, seq: 0 };
  let seq = 0;
  try {
    seq = Number(JSON.parse(last).seq) || 0;
  } catch { /* a damaged last line: audit verify reports it; keep chaining from its hash */ }
  return { hash: await lineHash(last), seq };
}
