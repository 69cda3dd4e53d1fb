/**
 * Checks an audit trail's hash chain across one or more files (oldest
 * first) and names the first line that was edited, removed, inserted or
 * reordered. A torn last line (a crash mid-write) is reported as such, not as
 * tampering.
 *
 * With the trail's key (audit_key.ts) every line's HMAC is checked too: a
 * line rewritten and re-chained with plain SHA-256, a forged line, a line
 * sealed with another key, or a keyed trail stripped of its MACs is named.
 * {@linkcode verifyTrail} finds the live file and its rotations itself and
 * orders them by sequence.
 *
 * Limits: the chain anchors every line to the one after it, so deleting the
 * newest lines at the end of the trail leaves no trace inside the files:
 * compare `head` with a copy kept elsewhere. Whoever can read the key (the
 * server's own user) can still rewrite the whole trail.
 *
 * @example
 * ```ts ignore
 * import { verifyAuditFiles } from "./audit_verify.ts";
 * const report = await verifyAuditFiles(["audit.jsonl.0000000100", "audit.jsonl"], { key });
 * console.log(report.ok, report.problem?.message, report.head);
 * ```
 *
 * @module
 */

import { GENESIS, lineHash } from "./audit.ts";
import { type AuditKey, isSealed } from "./audit_key.ts";
import { trailFiles } from "./audit_files.ts";

/** What broke the chain first. */
export interface ChainProblem {
  kind:
    | "edited"
    | "removed"
    | "inserted"
    | "reordered"
    | "malformed"
    | "start"
    | "forged"
    | "unsealed"
    | "other-key";
  file: string;
  /** 1-based line number in `file`. */
  line: number;
  message: string;
}

/** The outcome of a verification. */
export interface VerifyReport {
  ok: boolean;
  lines: number;
  files: Array<{ file: string; lines: number; firstSeq: number | null; lastSeq: number | null }>;
  problem?: ChainProblem;
  /** Set when the last line of the last file is incomplete (crash during a write). */
  torn?: { file: string; line: number };
  /** Lines carrying a MAC; `checked` when a key was given and every MAC was verified. */
  sealed: { lines: number; checked: boolean };
  /** The last line's seq and SHA-256: keep a copy elsewhere to detect a cut-off end. */
  head?: { seq: number | null; hash: string };
  /** `<file>.*` entries that are not audit files (only with {@linkcode verifyTrail}). */
  skipped?: string[];
}

/** How to verify. */
export interface VerifyOptions {
  /** The trail's HMAC key: every line after the first sealed one must carry a valid MAC. */
  key?: AuditKey;
}

interface Line {
  file: string;
  line: number;
  raw: string;
  seq: number | null;
  prev: string | null;
}

function parse(file: string, line: number, raw: string): Line {
  try {
    const o = JSON.parse(raw);
    return {
      file,
      line,
      raw,
      seq: typeof o.seq === "number" ? o.seq : null,
      prev: typeof o.prev === "string" ? o.prev : null,
    };
  } catch {
    return { file, line, raw, seq: null, prev: null };
  }
}

async function readLines(paths: string[], report: VerifyReport): Promise<Line[]> {
  const out: Line[] = [];
  for (const [i, file] of paths.entries()) {
    const text = await Deno.readTextFile(file);
    const parts = text.split("\n");
    const tail = parts.pop() ?? "";
    if (tail !== "") {
      // Only the newest file's last line may legitimately be torn.
      if (i === paths.length - 1) report.torn = { file, line: parts.length + 1 };
      else parts.push(tail);
    }
    const lines = parts.map((raw, n) => parse(file, n + 1, raw)).filter((l) => l.raw !== "");
    report.files.push({
      file,
      lines: lines.length,
      firstSeq: lines[0]?.seq ?? null,
      lastSeq: lines.at(-1)?.seq ?? null,
    });
    out.push(...lines);
  }
  return out;
}

function classifyBreak(lines: Line[], i: number): ChainProblem {
  const cur = lines[i];
  const before = lines[i - 1];
  const at = { file: cur.file, line: cur.line };
  const want = (before.seq ?? 0) + 1;
  if (cur.seq === null || cur.prev === null) {
    return {
      kind: "malformed",
      ...at,
      message: `line ${cur.line} of ${cur.file} is not an audit record (edited?)`,
    };
  }
  if (cur.seq === want) {
    // Sequence intact but the hash differs: the line before was changed after it was written.
    return {
      kind: "edited",
      file: before.file,
      line: before.line,
      message: `line ${before.line} of ${before.file} (seq ${before.seq}) was edited: ` +
        "the next line recorded a different hash for it",
    };
  }
  if (cur.seq === before.seq) {
    return {
      kind: "inserted",
      ...at,
      message:
        `a line was inserted before line ${cur.line} of ${cur.file} (seq ${cur.seq} appears twice)`,
    };
  }
  const later = lines.slice(i + 1).some((l) => l.seq === want);
  if (cur.seq > want) {
    return later
      ? {
        kind: "reordered",
        ...at,
        message:
          `line ${cur.line} of ${cur.file} (seq ${cur.seq}) is out of order: seq ${want} comes later`,
      }
      : {
        kind: "removed",
        ...at,
        message: `${
          cur.seq - want === 1 ? `seq ${want} was` : `seq ${want}-${cur.seq - 1} were`
        } removed before line ${cur.line} of ${cur.file}`,
      };
  }
  return {
    kind: "reordered",
    ...at,
    message:
      `line ${cur.line} of ${cur.file} (seq ${cur.seq}) is out of order after seq ${before.seq}`,
  };
}

/** Verifies the chain through `paths`, given oldest first. */
export async function verifyAuditFiles(
  paths: string[],
  opts: VerifyOptions = {},
): Promise<VerifyReport> {
  const report: VerifyReport = {
    ok: true,
    lines: 0,
    files: [],
    sealed: { lines: 0, checked: false },
  };
  const lines = await readLines(paths, report);
  report.lines = lines.length;
  report.sealed.lines = lines.filter((l) => isSealed(l.raw)).length;
  if (!lines.length) return report;
  const last = lines.at(-1)!;
  report.head = { seq: last.seq, hash: await lineHash(last.raw) };
  const fail = (problem: ChainProblem) => {
    report.ok = false;
    report.problem = problem;
    return report;
  };
  if (opts.key) {
    const problem = await macProblem(lines, opts.key);
    if (problem) return fail(problem);
    report.sealed.checked = true;
  }
  const first = lines[0];
  if (first.seq !== 1 || first.prev !== GENESIS) {
    return fail(
      first.seq === null || first.prev === null
        ? {
          kind: "malformed",
          file: first.file,
          line: 1,
          message: `line 1 of ${first.file} is not an audit record`,
        }
        : {
          kind: "start",
          file: first.file,
          line: 1,
          message: `the trail does not start at the beginning (first seq ${first.seq}): its ` +
            "older files are missing (deleted, compressed or moved elsewhere) — or its first " +
            "lines were removed",
        },
    );
  }
  for (let i = 1; i < lines.length; i++) {
    const expected = await lineHash(lines[i - 1].raw);
    const cur = lines[i];
    if (cur.seq === (lines[i - 1].seq ?? 0) + 1 && cur.prev === expected) continue;
    return fail(classifyBreak(lines, i));
  }
  return report;
}

/**
 * The first line whose MAC is wrong, from another key, or missing after sealing began. Lines
 * before the first sealed one are a trail written before the key was configured: their chain
 * is still anchored by the first sealed line's `prev`.
 */
async function macProblem(lines: Line[], key: AuditKey): Promise<ChainProblem | undefined> {
  const firstSealed = lines.findIndex((l) => isSealed(l.raw));
  if (firstSealed < 0) {
    const l = lines[0];
    return {
      kind: "unsealed",
      file: l.file,
      line: l.line,
      message: "no line carries a MAC although a key was given: the trail was written without " +
        "audit.key_file, or its MACs were stripped and the chain recomputed",
    };
  }
  for (const l of lines.slice(firstSealed)) {
    const r = await key.open(l.raw);
    if (r.ok) continue;
    const at = `line ${l.line} of ${l.file} (seq ${l.seq ?? "?"})`;
    if (r.why === "unkeyed") {
      return { kind: "unsealed", file: l.file, line: l.line, message: `${at} carries no MAC` };
    }
    if (r.why === "other-key") {
      return {
        kind: "other-key",
        file: l.file,
        line: l.line,
        message: `${at} was sealed with another key (kid ${r.kid ?? "?"}, this key is ${key.kid})`,
      };
    }
    return {
      kind: "forged",
      file: l.file,
      line: l.line,
      message: `${at} has a wrong MAC: it was written or changed by someone without the key`,
    };
  }
  return undefined;
}

/** Verifies the trail whose live file is `path`, with every rotation found next to it. */
export async function verifyTrail(path: string, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const { files, skipped } = await trailFiles(path);
  const report = await verifyAuditFiles(files.map((f) => f.path), opts);
  return { ...report, skipped };
}
