/**
 * Safe file replacement for the key commands: write a temporary file in the
 * same directory, flush it, then rename it over the target, so a crash or an
 * error at any point leaves either the old file or the new one, never half
 * of each. Backups are byte copies with a UTC timestamp in the name.
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from "./keys_fs.ts";
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/a.json`, "{}\n", { mode: 0o600 });
 * console.log(await Deno.readTextFile(`${dir}/a.json`)); // "{}\n"
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */

/**
 * A UTC timestamp for backup names: `20250131T235959Z`.
 *
 * @example
 * ```ts
 * import { timestamp } from "./keys_fs.ts";
 * console.log(timestamp(new Date(Date.UTC(2025, 0, 31, 23, 59, 59)))); // "20250131T235959Z"
 * ```
 */
export function timestamp(d: Date = new Date()): string {
  return d.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
}

/**
 * Permission bits of an existing file; `undefined` if absent or on Windows.
 *
 * @example
 * ```ts ignore
 * import { fileMode } from "./keys_fs.ts";
 * console.log((await fileMode("/etc/passwd"))?.toString(8)); // "644"
 * ```
 */
export async function fileMode(path: string): Promise<number | undefined> {
  try {
    const info = await Deno.stat(path);
    return info.mode === null ? undefined : info.mode & 0o777;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

/**
 * Whether a path exists (without following a final symlink).
 *
 * @example
 * ```ts
 * import { exists } from "./keys_fs.ts";
 * console.log(await exists("/definitely/not/here")); // false
 * ```
 */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

function splitPath(path: string): [string, string] {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return i < 0 ? [".", path] : [path.slice(0, i) || "/", path.slice(i + 1)];
}

/** Options for `writeFileAtomic`. */
export interface AtomicWriteOptions {
  /** Mode of the new file (default: the existing file's mode, else 0600). */
  mode?: number;
  /** Called after the temporary file is complete, before the rename (tests inject faults here). */
  beforeRename?: (tempPath: string) => void | Promise<void>;
}

/**
 * Replaces `path` with `data` atomically: temp file in the same directory
 * (same file system, so `rename` is atomic), fsync, exact mode, rename. A
 * symlink is followed so the link stays a link. On any error the temporary
 * file is removed and the original is untouched.
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from "./keys_fs.ts";
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/k`, "x", { mode: 0o600 });
 * await writeFileAtomic(`${dir}/k`, "y", { beforeRename: () => { throw new Error("crash"); } })
 *   .catch(() => {});
 * console.log(await Deno.readTextFile(`${dir}/k`)); // "x"
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  opts: AtomicWriteOptions = {},
): Promise<void> {
  let target = path;
  try {
    target = await Deno.realPath(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  const mode = opts.mode ?? (await fileMode(target)) ?? 0o600;
  const [dir, base] = splitPath(target);
  const suffix = Array.from(
    crypto.getRandomValues(new Uint8Array(6)),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
  const temp = `${dir}/.${base}.tmp-${suffix}`;
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  let file: Deno.FsFile | undefined;
  try {
    // createNew: never write through a file (or symlink) someone placed at the temp name.
    file = await Deno.open(temp, { write: true, createNew: true, mode });
    let off = 0;
    while (off < bytes.length) off += await file.write(bytes.subarray(off));
    await file.sync();
    file.close();
    file = undefined;
    // `mode` above is reduced by the umask; set it exactly. Windows has no modes.
    if (Deno.build.os !== "windows") await Deno.chmod(temp, mode);
    await opts.beforeRename?.(temp);
    await Deno.rename(temp, target);
  } catch (e) {
    try {
      file?.close();
    } catch { /* already closed */ }
    await Deno.remove(temp).catch(() => {});
    throw e;
  }
}

/**
 * Copies `path` to `path.bak-<timestamp>` (mode 0600, never overwriting an
 * existing backup) and returns the backup's path.
 *
 * @example
 * ```ts
 * import { backupFile } from "./keys_fs.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/c.json`, "{}");
 * console.log((await backupFile(`${dir}/c.json`, "20250101T000000Z")).endsWith(".bak-20250101T000000Z"));
 * // true
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function backupFile(path: string, stamp: string = timestamp()): Promise<string> {
  const bytes = await Deno.readFile(path);
  for (let n = 0;; n++) {
    const name = n === 0 ? `${path}.bak-${stamp}` : `${path}.bak-${stamp}-${n}`;
    let file: Deno.FsFile;
    try {
      file = await Deno.open(name, { write: true, createNew: true, mode: 0o600 });
    } catch (e) {
      if (e instanceof Deno.errors.AlreadyExists) continue;
      throw e;
    }
    try {
      let off = 0;
      while (off < bytes.length) off += await file.write(bytes.subarray(off));
      await file.sync();
    } finally {
      file.close();
    }
    if (Deno.build.os !== "windows") await Deno.chmod(name, 0o600);
    return name;
  }
}
