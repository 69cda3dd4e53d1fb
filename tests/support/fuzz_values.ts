/**
 * Seeded randomness and the hostile values the fuzzers draw from: strings that
 * break path building, query strings, logs or terminals; numbers at and past
 * every bound; values of every JSON type.
 *
 * @example
 * ```ts
 * import { HOSTILE_STRINGS, Rng } from "./fuzz_values.ts";
 * const rng = new Rng(1);
 * console.log(typeof rng.pick(HOSTILE_STRINGS)); // "string"
 * ```
 *
 * @module
 */

/** mulberry32: tiny, fast, good enough to spread cases; deterministic per seed. */
export class Rng {
  #s: number;
  constructor(readonly seed: number) {
    this.#s = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    let t = (this.#s = (this.#s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** The seed of a run: `FUZZ_SEED` when set (to replay a failure), else time-based. */
export function runSeed(): number {
  const env = Deno.env.get("FUZZ_SEED");
  return env && /^\d+$/.test(env) ? Number(env) : Date.now() % 2 ** 31;
}

/** 100 KB: a string no argument legitimately needs, small enough to stay fast. */
export const HUGE = "A".repeat(100 * 1024);

/** Strings that break naive path building, query strings, logs or terminals. */
export const HOSTILE_STRINGS: readonly string[] = [
  "",
  " ",
  "../",
  "..",
  "../../access/users",
  "pve1/qemu",
  "pve1/../../cluster",
  "%2F",
  "pve1%2Fqemu",
  "..%2F..%2Faccess",
  "%252F",
  "?x=1",
  "pve1?node=pve2",
  "#",
  "pve1#frag",
  "&",
  "a&vmid=100",
  "a=b",
  "pve1\n",
  "line\nbreak",
  "\r\nX-Injected: 1",
  "\u0000",
  "pve1\u0000",
  "\u202Eevil\u202C",
  "zero\u200Bwidth",
  "\uFEFFbom",
  "😀",
  "𝕡𝕧𝕖𝟙",
  "ｐｖｅ１",
  "NaN",
  "Infinity",
  "-1",
  "1e309",
  "0x64",
  "null",
  "undefined",
  "true",
  "[]",
  "{}",
  "' OR '1'='1",
  "$(reboot)",
  "`id`",
  "; rm -rf /",
  "<script>alert(1)</script>",
  "{{node}}",
  "${PROXMOX_TOKEN_VALUE}",
  "\\..\\..\\windows",
  "*",
  "a".repeat(129),
  "x".repeat(4096),
  HUGE,
];

/** Numbers at and past every bound a VMID, limit or timeout has; floats; huge. */
export const HOSTILE_NUMBERS: readonly number[] = [
  -1,
  0,
  -0,
  1,
  99,
  100,
  100.5,
  1.5,
  -100,
  999_999_999,
  1_000_000_000,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  -(2 ** 53),
  Number.MAX_SAFE_INTEGER + 2,
  1e21,
  1e308,
  -1e308,
  Number.EPSILON,
];

/** Values of every JSON type, for "wrong type" cases. */
export const WRONG_TYPES: readonly unknown[] = [
  null,
  true,
  false,
  0,
  100,
  "100",
  "",
  [],
  ["100"],
  {},
  { node: "pve1" },
];
