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

/** Options of a {@linkcode FileAuditLog}. */
export interface FileAuditOptions {
  /** Rotate when the file reaches this size (bytes); never when unset. */
  maxBytes?: number;
}

/** The chain position a new line continues from. */
interface ChainHead {
  hash: string;
  seq: number;
}

/** Appends hash-chained JSON lines (`seq`, `prev`) to a file, rotating by size. */
export class FileAuditLog implements AuditSink {
  #head: ChainHead | undefined;
  #queue: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly redactor: Redactor,
    private readonly opts: FileAuditOptions = {},
  ) {}

  record(entry: AuditRecord): Promise<void> {
    // Serialised: the chain needs each line's hash before the next line is written.
    const next = this.#queue.then(() => this.#append(entry));
    this.#queue = next.catch(() => {});
    return next;
  }

  async #append(entry: AuditRecord): Promise<void> {
    this.#head ??= await readChainHead(this.path);
    await this.#rotateIfFull();
    const seq = this.#head.seq + 1;
    const line = this.redactor.redact(
      JSON.stringify({ seq, ts: new Date().toISOString(), ...entry, prev: this.#head.hash }),
    );
    const file = await Deno.open(this.path, { append: true, create: true, mode: 0o600 });
    try {
      // One write per line: a crash can tear only this line, never earlier ones.
      await file.write(new TextEncoder().encode(line + "\n"));
      await file.syncData();
    } finally {
      file.close();
    }
    this.#head = { hash: await lineHash(line), seq };
  }

  async #rotateIfFull() {
    if (!this.opts.maxBytes) return;
    const size = await Deno.stat(this.path).then((s) => s.size, () => 0);
    if (size < this.opts.maxBytes) return;
    // Named by the last seq it holds, zero-padded: unique, and name order is chain order.
    await Deno.rename(this.path, `${this.path}.${String(this.#head!.seq).padStart(10, "0")}`);
  }
}

/** The hash and seq of the last complete line of an audit file (or of its newest rotation). */
export async function readChainHead(path: string): Promise<ChainHead> {
  let text: string | undefined;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    const rotated = await newestRotation(path);
    if (rotated) text = await Deno.readTextFile(rotated);
  }
  if (text === undefined) return { hash: GENESIS, seq: 0 };
  // The part after the last newline is either empty or a torn line (crash mid-write):
  // either way the chain continues from the last complete line.
  const last = text.split("\n").slice(0, -1).filter((l) => l.length > 0).at(-1);
  if (last === undefined) return { hash: GENESIS, seq: 0 };
  let seq = 0;
  try {
    seq = Number(JSON.parse(last).seq) || 0;
  } catch { /* a damaged last line: audit verify reports it; keep chaining from its hash */ }
  return { hash: await lineHash(last), seq };
}

async function newestRotation(path: string): Promise<string | undefined> {
  const slash = path.lastIndexOf("/");
  const dir = slash >= 0 ? path.slice(0, slash) || "/" : ".";
  const base = path.slice(slash + 1);
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && e.name.startsWith(`${base}.`)) names.push(e.name);
    }
  } catch {
    return undefined;
  }
  const newest = names.sort().at(-1);
  return newest ? `${dir}/${newest}` : undefined;
}
