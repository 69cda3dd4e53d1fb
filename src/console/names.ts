/**
 * Program names and globs for the console policy: case-insensitive glob
 * matching, the name a program is known by (basename, Windows extension
 * dropped), and path normalisation so `/usr/bin/../../tmp/x` or `//bin//rm`
 * cannot hide what is really run.
 *
 * @example
 * ```ts
 * import { globMatch, programName } from "./names.ts";
 * console.log(programName("/usr/bin/RM"), globMatch("mkfs*", "mkfs.ext4")); // "rm" true
 * ```
 *
 * @module
 */

const cache = new Map<string, RegExp>();

/** Whether `text` matches the glob (`*`, `?`, `[abc]`, `[!a-z]`), ignoring case. */
export function globMatch(glob: string, text: string): boolean {
  let re = cache.get(glob);
  if (!re) {
    let src = "";
    for (let i = 0; i < glob.length; i++) {
      const c = glob[i];
      if (c === "*") src += ".*";
      else if (c === "?") src += ".";
      else if (c === "[") {
        const end = glob.indexOf("]", i + 2);
        if (end < 0) {
          src += "\\[";
          continue;
        }
        let body = glob.slice(i + 1, end);
        if (body.startsWith("!")) body = "^" + body.slice(1);
        src += `[${body.replace(/\\/g, "\\\\")}]`;
        i = end;
      } else src += c.replace(/[.+^${}()|\\\]]/g, "\\$&");
    }
    re = new RegExp(`^${src}$`, "is");
    cache.set(glob, re);
  }
  return re.test(text);
}

/** Whether argv[0] names a path rather than a bare program looked up in PATH. */
export function hasPath(program: string): boolean {
  return program.includes("/") || program.includes("\\");
}

const WIN_EXT = /\.(exe|com|bat|cmd)$/i;

/** The name a program is matched by: basename, lower case, Windows extension dropped. */
export function programName(program: string): string {
  const base = program.split(/[\\/]/).pop() ?? program;
  return base.toLowerCase().replace(WIN_EXT, "");
}

/**
 * Normalises a path: `\` to `/`, `.` and `..` segments resolved, repeated
 * slashes collapsed, lower-cased drive letters. `..` above the root stays at
 * the root, as the kernel does.
 */
export function normalisePath(path: string): string {
  const p = path.replace(/\\/g, "/");
  const drive = /^[A-Za-z]:/.test(p) ? p.slice(0, 2).toLowerCase() : "";
  const rest = drive ? p.slice(2) : p;
  const absolute = rest.startsWith("/");
  const out: string[] = [];
  for (const seg of rest.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length && out[out.length - 1] !== "..") out.pop();
      else if (!absolute) out.push("..");
      continue;
    }
    out.push(seg);
  }
  return drive + (absolute ? "/" : "") + out.join("/");
}

/** Directories from which a bare allowlist name (e.g. `uname`) may also be given by path. */
export const SYSTEM_DIRS: readonly string[] = [
  "/bin",
  "/sbin",
  "/usr/bin",
  "/usr/sbin",
  "/usr/local/bin",
  "/usr/local/sbin",
  "c:/windows",
  "c:/windows/system32",
  "c:/windows/system32/wbem",
];

/** The directory part of a normalised path, lower-cased (for {@link SYSTEM_DIRS}). */
export function dirOf(normalised: string): string {
  const i = normalised.lastIndexOf("/");
  return i <= 0 ? (i === 0 ? "/" : "") : normalised.slice(0, i).toLowerCase();
}
