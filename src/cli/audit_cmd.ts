/**
 * `audit verify [FILE…] [--audit-key K]` (exit 1 when the chain or a MAC is
 * broken), `audit head` (the last line's seq and hash, to keep elsewhere) and
 * `audit tail [FILE] [--lines N]` (the last entries, readably and escaped:
 * names and commands are model-controlled text).
 *
 * Without FILE the configured `audit.file` and all its rotations are read;
 * given files are ordered by the sequence they hold, so `audit verify dir/*`
 * works too. The key is `--audit-key`, else `audit.key_file`.
 *
 * @example
 * ```ts ignore
 * import { runAuditCommand } from "./audit_cmd.ts";
 * const code = await runAuditCommand(["verify"], { configuredFile: "audit.jsonl", keyFile: "k" });
 * ```
 *
 * @module
 */

import { verifyAuditFiles, type VerifyReport, verifyTrail } from "../safety/audit_verify.ts";
import { loadAuditKey } from "../safety/audit_key.ts";
import { orderBySeq, trailFiles } from "../safety/audit_files.ts";
import { escapeJsonForTerminal, printable } from "../safety/audit_text.ts";
import { EXIT } from "./args.ts";

/** What the audit subcommands take from the command line and configuration. */
export interface AuditCommandOptions {
  configuredFile?: string;
  /** `--audit-key`, else `audit.key_file`. */
  keyFile?: string;
  lines?: number;
  json?: boolean;
}

/** Runs an audit subcommand; returns the exit code. */
export async function runAuditCommand(rest: string[], opts: AuditCommandOptions): Promise<number> {
  const [sub, ...files] = rest;
  if (sub === "verify" || sub === "head") {
    if (!files.length && !opts.configuredFile) {
      console.error(`audit ${sub} needs FILE…, or audit.file in the configuration (--config)`);
      return EXIT.USAGE;
    }
    let key;
    try {
      key = opts.keyFile ? await loadAuditKey(opts.keyFile, false) : undefined;
    } catch (e) {
      console.error((e as Error).message);
      return EXIT.USAGE;
    }
    const report = await verifyGiven(files, opts.configuredFile, key);
    if (sub === "head") {
      if (!report.head) console.error("the trail is empty");
      else console.log(JSON.stringify({ ...report.head, lines: report.lines, ok: report.ok }));
      return report.head && report.ok ? EXIT.OK : EXIT.FAILED;
    }
    return printReport(report, !!key, !!opts.json);
  }
  if (sub === "tail") {
    const path = files[0] ?? opts.configuredFile;
    if (!path) {
      console.error("audit tail needs FILE, or audit.file in the configuration");
      return EXIT.USAGE;
    }
    for (const raw of await lastLines(path, opts.lines ?? 20, !files[0])) {
      console.log(opts.json ? escapeJsonForTerminal(raw) : readable(raw));
    }
    return EXIT.OK;
  }
  console.error(
    `audit: unknown subcommand "${printable(sub ?? "")}": use "audit verify [FILE…]", ` +
      `"audit head" or "audit tail [FILE]"`,
  );
  return EXIT.USAGE;
}

async function verifyGiven(
  files: string[],
  configured: string | undefined,
  key: Awaited<ReturnType<typeof loadAuditKey>> | undefined,
): Promise<VerifyReport> {
  if (!files.length) return verifyTrail(configured!, { key });
  const { files: ordered, skipped } = await orderBySeq(files);
  return { ...await verifyAuditFiles(ordered.map((f) => f.path), { key }), skipped };
}

function printReport(report: VerifyReport, keyed: boolean, json: boolean): number {
  // An unkeyed check of a sealed trail proves nothing about who wrote it: not a pass.
  if (report.ok && !keyed && report.sealed.lines > 0) {
    report.ok = false;
    report.problem = {
      kind: "unsealed",
      file: report.files[0]?.file ?? "",
      line: 1,
      message: "the trail is sealed with an HMAC key: give it (--audit-key, or audit.key_file " +
        "with --config) to verify it",
    };
  }
  if (json) {
    console.log(JSON.stringify(report, null, 2));
    return report.ok ? EXIT.OK : EXIT.FAILED;
  }
  for (const f of report.files) {
    console.log(`${f.file}: ${f.lines} lines (seq ${f.firstSeq ?? "-"}..${f.lastSeq ?? "-"})`);
  }
  for (const s of report.skipped ?? []) console.log(`skipped ${s}: not an audit file`);
  if (report.torn) {
    console.log(
      `note: line ${report.torn.line} of ${report.torn.file} is incomplete: a write was ` +
        "interrupted (crash), not tampering",
    );
  }
  if (report.ok && !keyed) {
    console.log(
      "warning: the trail is not keyed (no audit.key_file): anyone who can write it can " +
        "rewrite it and recompute the chain",
    );
  }
  if (report.head) console.log(`head: seq ${report.head.seq ?? "?"} sha256 ${report.head.hash}`);
  console.log(
    report.ok
      ? `OK: ${report.lines} lines, chain intact${
        report.sealed.checked ? `, ${report.sealed.lines} MACs valid` : ""
      }`
      : `BROKEN: ${report.problem!.message}`,
  );
  return report.ok ? EXIT.OK : EXIT.FAILED;
}

/** The last `n` lines of the trail (across rotations when `acrossRotations`). */
async function lastLines(path: string, n: number, acrossRotations: boolean): Promise<string[]> {
  const paths = acrossRotations ? (await trailFiles(path)).files.map((f) => f.path) : [path];
  const out: string[] = [];
  for (const p of paths.reverse()) {
    const text = await Deno.readTextFile(p).catch(() => "");
    out.unshift(...text.split("\n").filter(Boolean).slice(-(n - out.length)));
    if (out.length >= n) break;
  }
  return out;
}

function readable(raw: string): string {
  try {
    const e = JSON.parse(raw);
    const t = e.target ?? {};
    const where = [t.cluster, t.node, t.vmid].filter((x) => x !== undefined).join("/");
    const dur = typeof e.duration_ms === "number" ? ` ${(e.duration_ms / 1000).toFixed(1)}s` : "";
    const who = [e.actor, e.confirmed_by ? `confirmed by ${e.confirmed_by}` : undefined]
      .filter(Boolean).join(", ");
    // Every field is escaped: a VM name or reason must not draw a line or move the cursor.
    return [
      `#${e.seq ?? "?"}`,
      e.ts ?? "?",
      String(e.outcome ?? "?").padEnd(9),
      String(e.tool ?? "?").padEnd(22),
      where || "-",
      e.upid ?? "",
      who ? `[${who}]` : "",
      e.reason ? `(${e.reason})` : "",
    ].filter(Boolean).map(printable).join("  ") + dur;
  } catch {
    return `(unreadable line) ${printable(raw.slice(0, 80))}`;
  }
}
