/**
 * `${VAR}` and `${VAR:-default}` substitution in configuration strings.
 *
 * @example
 * ```ts
 * import { substituteEnv } from "./env.ts";
 * const r = substituteEnv("${HOST:-pve.lan}:8006", () => undefined);
 * console.log(r); // { value: "pve.lan:8006", missing: [] }
 * ```
 *
 * @module
 */

/** Reads one environment variable; `undefined` when unset. */
export type EnvReader = (name: string) => string | undefined;

/** The result of substituting one string. */
export interface Substitution {
  value: string;
  /** Variables referenced without a default that are not set. */
  missing: string[];
}

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Replaces every `${VAR}` / `${VAR:-default}` in `text`. */
export function substituteEnv(text: string, env: EnvReader): Substitution {
  const missing: string[] = [];
  const value = text.replace(REFERENCE, (_m, name: string, fallback: string | undefined) => {
    const v = env(name);
    if (v !== undefined && v !== "") return v;
    if (fallback !== undefined) return fallback;
    missing.push(name);
    return "";
  });
  return { value, missing };
}

/** True when the whole string is exactly one `${VAR}` reference (with or without default). */
export function isPureReference(text: string): boolean {
  return /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/.test(text);
}

/** An env reader over `Deno.env` that treats a variable it may not read as unset. */
export const denoEnv: EnvReader = (name) => {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
};
