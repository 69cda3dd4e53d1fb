/**
 * Where the key file lives by default: `~/.proxmox_mcp_key`.
 *
 * @module
 */

/** Reads one environment variable; `undefined` when unset. */
type EnvReader = (name: string) => string | undefined;

/** Key file name in the home directory. */
export const DEFAULT_KEY_FILE_NAME = ".proxmox_mcp_key";

/**
 * The home directory: `HOME`, or `USERPROFILE` on Windows.
 *
 * @example
 * ```ts
 * import { homeDir } from "./key_path.ts";
 * console.log(homeDir((k) => (k === "HOME" ? "/home/me" : undefined))); // "/home/me"
 * ```
 */
export function homeDir(env: EnvReader): string | undefined {
  return (Deno.build.os === "windows" ? env("USERPROFILE") ?? env("HOME") : env("HOME")) ||
    undefined;
}

/**
 * The default key file, `~/.proxmox_mcp_key`; `undefined` without a home directory.
 *
 * @example
 * ```ts
 * import { defaultKeyFile } from "./key_path.ts";
 * console.log(defaultKeyFile((k) => (k === "HOME" ? "/home/me" : undefined)));
 * // "/home/me/.proxmox_mcp_key"
 * ```
 */
export function defaultKeyFile(env: EnvReader): string | undefined {
  const home = homeDir(env);
  if (!home) return undefined;
  const sep = Deno.build.os === "windows" ? "\\" : "/";
  return home.endsWith(sep) ? home + DEFAULT_KEY_FILE_NAME : home + sep + DEFAULT_KEY_FILE_NAME;
}
