/**
 * Checks an audit trail's hash chain across one or more files (oldest
 * first) and names the first line that was edited, removed, inserted or
 * reordered. A torn last line (a crash mid-write) is reported as such, not as
 * tampering.
 *
 * Limits: the chain anchors every line to the one after it, so deleting the
 * newest lines at the end of the trail leaves no trace inside the files.
 *
 * @example
 * ```ts ignore
 * import { verifyAuditFiles } from "./audit_verify.ts";
 * const report = await verifyAuditFiles(["audit.jsonl.20261101T000000", "audit.jsonl"]);
 * console.log(report.ok, report.problem?.message);
 * ```
 *
 * @module
 */

import { GENESIS, lineHash } from "./audit.ts";

/** What broke the chain first. */
export interface ChainProblem {
  kind: "edited" | "removed" | "inserted" | "reordered" | "malformed" | "start";
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
export async function verifyAuditFiles(paths: string[]): Promise<VerifyReport> {
  const report: VerifyReport = { ok: true, lines: 0, files: [] };
  const lines = await readLines(paths, report);
  report.lines = lines.length;
  if (!lines.length) return report;
  const first = lines[0];
  if (first.seq !== 1 || first.prev !== GENESIS) {
    report.ok = false;
    report.problem = first.seq === null || first.prev === null
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
        message: `the trail does not start at the beginning (first seq ${first.seq}): give the ` +
          "older rotated files too, oldest first — or its first lines were removed",
      };
    return report;
  }
  for (let i = 1; i < lines.length; i++) {
    const expected = await lineHash(lines[i - 1].raw);
    const cur = lines[i];
    if (cur.seq === (lines[i - 1].seq ?? 0) + 1 && cur.prev === expected) continue;
    report.ok = false;
    report.problem = classifyBreak(lines, i);
    return report;
  }
  return report;
}
