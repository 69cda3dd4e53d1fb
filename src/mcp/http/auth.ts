/**
 * Bearer-token authentication for the HTTP transport. Tokens are compared in
 * constant time: both sides are hashed (SHA-256) first, so the comparison
 * always covers 32 bytes whatever the lengths, and every configured token is
 * compared on every request, so timing reveals neither which token nor how
 * much of it matched.
 *
 * @example
 * ```ts
 * import { BearerAuth } from "./auth.ts";
 * const auth = await BearerAuth.create([{ name: "ops", token: "0123456789abcdef", read_only: true }]);
 * const who = await auth.check("Bearer 0123456789abcdef");
 * console.log(who); // { ok: true, principal: { name: "ops", readOnly: true } }
 * ```
 *
 * @module
 */

/** A configured token, as in the `http.tokens` section. */
export interface TokenSpec {
  name: string;
  token: string;
  read_only?: boolean;
}

/** Who is calling: the token's name (never its value) and its scope. */
export interface Principal {
  name: string;
  readOnly: boolean;
}

/** The outcome of checking an `Authorization` header. */
export type AuthResult =
  | { ok: true; principal: Principal }
  | { ok: false; reason: "missing" | "malformed" | "invalid" };

const encoder = new TextEncoder();

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

/** Compares two equal-length byte arrays without an early exit. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** The configured tokens, ready to check requests against. */
export class BearerAuth {
  private constructor(
    private readonly entries: Array<{ principal: Principal; hash: Uint8Array }>,
  ) {}

  /** Hashes the tokens once; the plain values are not kept. */
  static async create(tokens: readonly TokenSpec[]): Promise<BearerAuth> {
    const entries = [];
    for (const t of tokens) {
      entries.push({
        principal: { name: t.name, readOnly: t.read_only ?? false },
        hash: await digest(t.token),
      });
    }
    return new BearerAuth(entries);
  }

  /** Whether any token is configured (without one, only loopback is served, unauthenticated). */
  get enabled(): boolean {
    return this.entries.length > 0;
  }

  /** Checks an `Authorization` header value. */
  async check(header: string | null): Promise<AuthResult> {
    if (!header) return { ok: false, reason: "missing" };
    const m = /^Bearer[ ]+([\x21-\x7e]+)[ ]*$/i.exec(header);
    if (!m) return { ok: false, reason: "malformed" };
    const given = await digest(m[1]);
    let found: Principal | undefined;
    for (const e of this.entries) {
      // No break: every entry is compared, whichever matches.
      if (constantTimeEqual(given, e.hash) && !found) found = e.principal;
    }
    return found ? { ok: true, principal: found } : { ok: false, reason: "invalid" };
  }
}
