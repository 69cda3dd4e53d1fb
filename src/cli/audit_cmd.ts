/**
 * `audit verify FILE…` (exit 1 when the chain is broken) and
 * `audit tail [FILE] [--lines N]` (the last entries, readably).
 *
 * @module
 */

import { verifyAuditFiles } from "../safety/audit_verify.ts";
import { EXIT } from "./args.ts";

/** Runs an audit subcommand; returns the exit code. */
export async function runAuditCommand(
  rest: string[],
  opts: { configuredFile?: string; lines?: number; json?: boolean },
): Promise<number> {
  const [sub, ...files] = rest;
  if (sub === "verify") {
    const paths = files.length ? files : opts.configuredFile ? [opts.configuredFile] : [];
    if (!paths.length) {
      console.error("audit verify needs FILE… (oldest first), or audit.file in the configuration");
      return EXIT.USAGE;
    }
    const report = await verifyAuditFiles(paths);
    if (opts.json) console.log(JSON.stringify(report, null, 2));
    else {
      for (const f of report.files) {
        console.log(`${f.file}: ${f.lines} lines (seq ${f.firstSeq ?? "-"}..${f.lastSeq ?? "-"})`);
      }
      if (report.torn) {
        console.log(
          `note: line ${report.torn.line} of ${report.torn.file} is incomplete: a write was ` +
            "interrupted (crash), not tampering",
        );
      }
      console.log(
        report.ok
          ? `OK: ${report.lines} lines, chain intact`
          : `BROKEN: ${report.problem!.message}`,
      );
    }
    return report.ok ? EXIT.OK : EXIT.FAILED;
  }
  if (sub === "tail") {
    const path = files[0] ?? opts.configuredFile;
    if (!path) {
      console.error("audit tail needs FILE, or audit.file in the configuration");
      return EXIT.USAGE;
    }
    const text = await Deno.readTextFile(path);
    const lines = text.split("\n").filter(Boolean).slice(-(opts.lines ?? 20));
    for (const raw of lines) console.log(opts.json ? raw : readable(raw));
    return EXIT.OK;
  }
  console.error(
    `audit: unknown subcommand "${sub ?? ""}": use "audit verify FILE…" or "audit tail [FILE]"`,
  );
  return EXIT.USAGE;
}

function readable(raw: string): string {
  try {
    const e = JSON.parse(raw);
    const t = e.target ?? {};
    const where = [t.cluster, t.node, t.vmid].filter((x) => x !== undefined).join("/");
    const dur = typeof e.duration_ms === "number" ? ` ${(e.duration_ms / 1000).toFixed(1)}s` : "";
    return [
      `#${e.seq ?? "?"}`,
      e.ts ?? "?",
      String(e.outcome ?? "?").padEnd(9),
      String(e.tool ?? "?").padEnd(22),
      where || "-",
      e.upid ?? "",
      e.reason ? `(${e.reason})` : "",
    ].filter(Boolean).join("  ") + dur;
  } catch {
    return `(unreadable line) ${raw.slice(0, 80)}`;
  }
}
