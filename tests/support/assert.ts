/**
 * The few assertions the tests use, on top of node:assert (jsr:@std/assert
 * cannot be fetched on our build network).
 *
 * @module
 */

import { AssertionError, deepStrictEqual } from "node:assert";

/** Fails unless `cond` is truthy. */
export function assert(cond: unknown, msg = "assertion failed"): asserts cond {
  if (!cond) throw new AssertionError({ message: msg });
}

/** Deep, strict equality. */
export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  deepStrictEqual(actual, expected, msg);
}

/** Fails unless `text` contains `part`. */
export function assertStringIncludes(text: string, part: string, msg?: string): void {
  if (!text.includes(part)) {
    throw new AssertionError({
      message: msg ?? `expected to find ${JSON.stringify(part)} in:\n${text}`,
    });
  }
}

/** Fails unless `fn` rejects with an instance of `cls`; returns the error. */
export async function assertRejects<E extends Error>(
  fn: () => Promise<unknown>,
  // deno-lint-ignore no-explicit-any
  cls: new (...args: any[]) => E,
): Promise<E> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof cls) return e;
    throw new AssertionError({ message: `expected ${cls.name}, got ${String(e)}` });
  }
  throw new AssertionError({ message: `expected ${cls.name} to be thrown, nothing was` });
}

/** Fails unless `fn` throws an instance of `cls`; returns the error. */
export function assertThrows<E extends Error>(
  fn: () => unknown,
  // deno-lint-ignore no-explicit-any
  cls: new (...args: any[]) => E,
): E {
  try {
    fn();
  } catch (e) {
    if (e instanceof cls) return e;
    throw new AssertionError({ message: `expected ${cls.name}, got ${String(e)}` });
  }
  throw new AssertionError({ message: `expected ${cls.name} to be thrown, nothing was` });
}
