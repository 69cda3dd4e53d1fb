/**
 * The audit trail's own key: an HMAC-SHA-256 key kept outside the trail
 * (`audit.key_file`, 32 random bytes as base64url, mode 0600, created on
 * first use). Every line carries `kid` (which key) and `mac` (the HMAC of the
 * line without its `mac`), so whoever can write the trail but not read the
 * key cannot edit, forge or re-chain a line: recomputing `prev` with plain
 * SHA-256 is no longer enough.
 *
 * @example
 * ```ts
 * import { AuditKey } from "./audit_key.ts";
 * const key = await AuditKey.fromBytes(crypto.getRandomValues(new Uint8Array(32)), "test");
 * const line = await key.seal('{"seq":1,"prev":"00"}');
 * console.log((await key.open(line)).ok); // true
 * console.log((await key.open(line.replace('"seq":1', '"seq":2'))).ok); // false
 * ```
 *
 * @module
 */

import { fromBase64, toBase64Url } from "../crypto/format.ts";

const MAC_TAIL = /,"mac":"([0-9a-f]{64})"\}$/;
const hex = (b: ArrayBuffer) =>
  [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, "0")).join("");

/** What {@link AuditKey.open} found. */
export type MacCheck =
  | { ok: true }
  | { ok: false; why: "unkeyed" | "other-key" | "bad-mac"; kid?: string };

/** A loaded audit key; the raw bytes are not kept (non-extractable CryptoKey). */
export class AuditKey {
  private constructor(
    private readonly key: CryptoKey,
    /** 16 hex digits naming the key (from a hash of it): which key a line was sealed with. */
    readonly kid: string,
    /** Where it came from, for messages (a path, never the key). */
    readonly source: string,
  ) {}

  /** A key from 32 raw bytes. */
  static async fromBytes(raw: Uint8Array, source: string): Promise<AuditKey> {
    if (raw.length !== 32) {
      throw new Error(`the audit key ${source} has ${raw.length} bytes, expected 32`);
    }
    const kid = hex(
      await crypto.subtle.digest(
        "SHA-256",
        new Uint8Array([...raw, ...new TextEncoder().encode("audit-kid")]),
      ),
    ).slice(0, 16);
    const key = await crypto.subtle.importKey(
      "raw",
      new Uint8Array(raw),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    return new AuditKey(key, kid, source);
  }

  /** Adds `kid` and `mac` to a JSON object line (`{...}`). */
  async seal(json: string): Promise<string> {
    const body = `${json.slice(0, -1)},"kid":"${this.kid}"}`;
    const mac = await crypto.subtle.sign("HMAC", this.key, new TextEncoder().encode(body));
    return `${body.slice(0, -1)},"mac":"${hex(mac)}"}`;
  }

  /** Checks the `mac` of a sealed line. */
  async open(line: string): Promise<MacCheck> {
    const m = MAC_TAIL.exec(line);
    if (!m) return { ok: false, why: "unkeyed" };
    const body = line.slice(0, m.index) + "}";
    const kid = /,"kid":"([0-9a-f]{16})"\}$/.exec(body)?.[1];
    if (kid !== this.kid) return { ok: false, why: "other-key", kid };
    const mac = Uint8Array.from(m[1].match(/../g)!, (h) => parseInt(h, 16));
    const ok = await crypto.subtle.verify("HMAC", this.key, mac, new TextEncoder().encode(body));
    return ok ? { ok: true } : { ok: false, why: "bad-mac", kid };
  }
}

/** Whether a line carries a MAC at all (a keyed trail's lines all do). */
export function isSealed(line: string): boolean {
  return MAC_TAIL.test(line);
}

/** Reads the key file; creates it (0600, fresh random) when `create` and it does not exist. */
export async function loadAuditKey(path: string, create: boolean): Promise<AuditKey> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound) || !create) {
      throw new Error(
        `the audit key file ${path} cannot be read (${(e as Error).name}): ` +
          (create ? "check its permissions" : "give the key the trail was written with"),
      );
    }
    const raw = crypto.getRandomValues(new Uint8Array(32));
    // createNew: two processes starting together must not each write their own key.
    await Deno.writeTextFile(path, toBase64Url(raw) + "\n", { createNew: true, mode: 0o600 })
      .catch((w) => {
        if (!(w instanceof Deno.errors.AlreadyExists)) throw w;
      });
    text = await Deno.readTextFile(path);
  }
  const raw = fromBase64(text.trim());
  if (!raw || raw.length !== 32) {
    throw new Error(
      `the audit key file ${path} does not hold a 32-byte base64url key (never printed here)`,
    );
  }
  return AuditKey.fromBytes(raw, path);
}
