/**
 * Finding an audit trail on disk: the live file plus its rotations (any
 * `<file>.<suffix>` whose first line is an audit record), ordered by the
 * sequence numbers they hold, not by their names — a rename by an admin or
 * logrotate (`.1`, `.2`) must not reorder the chain. Also reads the last
 * complete line of a file from its end, without reading the whole file.
 *
 * @example
 * ```ts ignore
 * import { trailFiles } from "./audit_files.ts";
 * const { files, skipped } = await trailFiles("/var/log/proxmox-mcp/audit.jsonl");
 * ```
 *
 * @module
 */

/** One file of a trail and the first sequence number it holds. */
export interface TrailFile {
  path: string;
  firstSeq: number;
}

function split(path: string) {
  const slash = path.lastIndexOf("/");
  return { dir: slash >= 0 ? path.slice(0, slash) || "/" : ".", base: path.slice(slash + 1) };
}

/** Names next to the trail that belong to the machinery, not to the chain. */
const NOT_TRAIL = /\.(lock|key)$/;

/** The first line's `seq`, or undefined when the file does not start with an audit record. */
export async function firstSeq(path: string): Promise<number | undefined> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch {
    return undefined;
  }
  try {
    const buf = new Uint8Array(64 * 1024);
    const n = (await file.read(buf)) ?? 0;
    const text = new TextDecoder().decode(buf.subarray(0, n));
    const m = /^\{"seq":(\d+),/.exec(text);
    return m ? Number(m[1]) : undefined;
  } finally {
    file.close();
  }
}

/**
 * The live file and its rotations, oldest first by their first `seq`; `skipped` names the
 * `<file>.*` entries that are not audit files (compressed, empty, foreign).
 */
export async function trailFiles(path: string): Promise<{ files: TrailFile[]; skipped: string[] }> {
  const { dir, base } = split(path);
  const files: TrailFile[] = [];
  const skipped: string[] = [];
  const candidates: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (!e.isFile) continue;
      if (e.name === base || (e.name.startsWith(`${base}.`) && !NOT_TRAIL.test(e.name))) {
        candidates.push(`${dir}/${e.name}`);
      }
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  for (const p of candidates) {
    const seq = await firstSeq(p);
    if (seq === undefined) {
      // An empty live file (just rotated) is normal; anything else is worth naming.
      if (!p.endsWith(`/${base}`)) skipped.push(p);
    } else files.push({ path: p, firstSeq: seq });
  }
  files.sort((a, b) => a.firstSeq - b.firstSeq);
  return { files, skipped };
}

/** Given files ordered by the first `seq` they hold; `skipped` names those that hold none. */
export async function orderBySeq(
  paths: string[],
): Promise<{ files: TrailFile[]; skipped: string[] }> {
  const files: TrailFile[] = [];
  const skipped: string[] = [];
  for (const p of paths) {
    const seq = await firstSeq(p);
    if (seq === undefined) skipped.push(p);
    else files.push({ path: p, firstSeq: seq });
  }
  return { files: files.sort((a, b) => a.firstSeq - b.firstSeq), skipped };
}

/** The last complete line of a file (a torn tail after the last newline is ignored). */
export async function lastLine(path: string): Promise<string | undefined> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  try {
    const size = (await file.stat()).size;
    let chunk = 64 * 1024;
    // Grow the window from the end until it holds a whole line (lines are normally < 64 KiB).
    while (true) {
      const start = Math.max(0, size - chunk);
      await file.seek(start, Deno.SeekMode.Start);
      const buf = new Uint8Array(size - start);
      let off = 0;
      while (off < buf.length) {
        const n = await file.read(buf.subarray(off));
        if (n === null) break;
        off += n;
      }
      const text = new TextDecoder().decode(buf.subarray(0, off));
      const end = text.lastIndexOf("\n");
      if (end < 0 && start === 0) return undefined;
      const begin = end < 0 ? -1 : text.lastIndexOf("\n", end - 1);
      if (end >= 0 && (begin >= 0 || start === 0)) return text.slice(begin + 1, end) || undefined;
      chunk *= 4;
    }
  } finally {
    file.close();
  }
}
