/**
 * The server's logger: one structured line per event on stderr (stdout is
 * reserved for MCP) and, when configured, appended to a log file. Every line
 * passes through the redactor, so a registered secret can never be written.
 *
 * @example
 * ```ts
 * import { Logger, Redactor } from "./log.ts";
 * const redactor = new Redactor();
 * redactor.add("s3cret-token-value");
 * const log = new Logger({ level: "INFO", redactor, stderr: false });
 * log.info("connected", { note: "token s3cret-token-value" }); // written as "token [REDACTED]"
 * ```
 *
 * @module
 */

/** Log levels, seed-compatible names. */
export type Level = "DEBUG" | "INFO" | "WARNING" | "ERROR";
const RANK: Record<Level, number> = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40 };

/** Secrets this long or longer are also redacted when only a fragment of them shows. */
const FRAGMENT_FROM = 16;
/** The shortest fragment of such a secret that is redacted. */
const FRAGMENT = 8;

/**
 * Replaces every registered secret in text with `[REDACTED]`, and for long secrets also any
 * fragment of 8 or more of their characters: a message cut at 40 or 160 characters, or a body
 * PVE cut short, must not show 31 of a token's 36 characters because the whole never appears.
 */
export class Redactor {
  #secrets = new Set<string>();
  /** Registers a secret (ignored when shorter than 4 characters: too many false hits). */
  add(secret: string | undefined): void {
    if (secret && secret.length >= 4) this.#secrets.add(secret);
  }
  /** The text with every secret, its URL-encoded form, and long fragments of them replaced. */
  redact(text: string): string {
    let out = text;
    for (const s of this.#secrets) {
      for (const form of new Set([s, encodeURIComponent(s)])) {
        if (out.includes(form)) out = out.split(form).join("[REDACTED]");
      }
    }
    return this.#redactFragments(out);
  }

  #redactFragments(text: string): string {
    const hits: Array<[number, number]> = [];
    for (const s of this.#secrets) {
      if (s.length < FRAGMENT_FROM) continue;
      for (const form of new Set([s, encodeURIComponent(s)])) {
        for (let i = 0; i + FRAGMENT <= form.length; i++) {
          const gram = form.slice(i, i + FRAGMENT);
          for (let at = text.indexOf(gram); at >= 0; at = text.indexOf(gram, at + 1)) {
            hits.push([at, at + FRAGMENT]);
          }
        }
      }
    }
    if (!hits.length) return text;
    hits.sort((a, b) => a[0] - b[0]);
    let out = "";
    let pos = 0;
    let [start, end] = hits[0];
    for (const [a, b] of [...hits.slice(1), [Infinity, Infinity] as [number, number]]) {
      if (a <= end) {
        end = Math.max(end, b);
        continue;
      }
      out += text.slice(pos, start) + "[REDACTED]";
      pos = end;
      [start, end] = [a, b];
    }
    return out + text.slice(pos);
  }
}

/** Where and what the logger writes. */
export interface LoggerOptions {
  level: Level;
  redactor: Redactor;
  file?: string;
  /** Write to stderr too (default true). */
  stderr?: boolean;
}

/** Structured, redacted logging to stderr and an optional file. */
export class Logger {
  readonly #opts: LoggerOptions;
  #file: Deno.FsFile | undefined;
  #fileFailed = false;
  readonly #encoder = new TextEncoder();

  constructor(opts: LoggerOptions) {
    this.#opts = opts;
  }

  /** Lines at or above this level are written. */
  get level(): Level {
    return this.#opts.level;
  }

  debug(msg: string, fields?: Record<string, unknown>): void {
    this.#write("DEBUG", msg, fields);
  }
  info(msg: string, fields?: Record<string, unknown>): void {
    this.#write("INFO", msg, fields);
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.#write("WARNING", msg, fields);
  }
  error(msg: string, fields?: Record<string, unknown>): void {
    this.#write("ERROR", msg, fields);
  }

  /** Closes the log file, if open. */
  close(): void {
    this.#file?.close();
    this.#file = undefined;
  }

  #write(level: Level, msg: string, fields?: Record<string, unknown>) {
    if (RANK[level] < RANK[this.#opts.level]) return;
    const extra = fields && Object.keys(fields).length ? " " + safeJson(fields) : "";
    const line = this.#opts.redactor.redact(
      `${new Date().toISOString()} ${level} proxmox-mcp: ${msg}${extra}\n`,
    );
    const bytes = this.#encoder.encode(line);
    if (this.#opts.stderr !== false) {
      try {
        Deno.stderr.writeSync(bytes);
      } catch { /* stderr closed: nothing better to do */ }
    }
    this.#appendToFile(bytes);
  }

  #appendToFile(bytes: Uint8Array) {
    if (!this.#opts.file || this.#fileFailed) return;
    try {
      this.#file ??= Deno.openSync(this.#opts.file, { append: true, create: true, mode: 0o600 });
      this.#file.writeSync(bytes);
    } catch (e) {
      // Once, on stderr only: a broken log file must not take the server down.
      this.#fileFailed = true;
      try {
        Deno.stderr.writeSync(this.#encoder.encode(
          `proxmox-mcp: cannot write log file ${this.#opts.file}: ${(e as Error).message}\n`,
        ));
      } catch { /* ignore */ }
    }
  }
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, val) => val instanceof Error ? val.message : val);
  } catch {
    return String(v);
  }
}
