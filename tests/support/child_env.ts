/**
 * The environment of a spawned Deno: the few variables it needs (PATH, HOME,
 * CA bundle, caches) and nothing else, as the SDK's stdio transport would
 * otherwise pass only a minimal one. A leaf: no npm import, so a test that
 * needs only this loads nothing from the registry.
 *
 * @example
 * ```ts
 * import { childEnv } from "./child_env.ts";
 * console.log(childEnv({ NO_COLOR: "1" }).NO_COLOR); // "1"
 * ```
 *
 * @module
 */

/** `extra` over the kept variables of this process. */
export function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of ["PATH", "HOME", "NODE_EXTRA_CA_CERTS", "DENO_DIR", "TMPDIR", "NO_COLOR"]) {
    const v = Deno.env.get(k);
    if (v !== undefined) env[k] = v;
  }
  return { ...env, ...extra };
}
