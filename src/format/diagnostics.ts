/**
 * Human text for diagnostic reports: a one-line verdict, then findings by
 * severity (most urgent first), then the checks that could not run.
 *
 * @example
 * ```ts
 * import { formatReport } from "./diagnostics.ts";
 * console.log(formatReport("Cluster health", { findings: [], not_checked: [],
 *   counts: { critical: 0, warning: 0, info: 0 }, api_requests: 4 }));
 * // "Cluster health: no findings (4 API requests)."
 * ```
 *
 * @module
 */

import type { Finding, NotChecked } from "../diagnostics/types.ts";

const MARK = { critical: "CRITICAL", warning: "WARNING", info: "info" } as const;

/** The report as a few lines of text. */
export function formatReport(
  title: string,
  r: {
    findings: Finding[];
    not_checked: NotChecked[];
    counts: { critical: number; warning: number; info: number };
    api_requests: number;
    omitted?: number;
  },
): string {
  const { critical, warning, info } = r.counts;
  const head = r.findings.length
    ? `${title}: ${critical} critical, ${warning} warning, ${info} info (${r.api_requests} API requests).`
    : `${title}: no findings (${r.api_requests} API requests).`;
  const lines = r.findings.map((f) =>
    `- [${MARK[f.severity]}] ${f.summary} (${f.id}; ${f.evidence.source})\n  -> ${f.recommendation}`
  );
  const skipped = r.not_checked.map((n) => `- ${n.check}: ${n.reason}`);
  const more = r.omitted
    ? [`(${r.omitted} more findings of lower severity left out; the counts include them)`]
    : [];
  return [
    head,
    ...lines,
    ...more,
    ...(skipped.length ? ["Not checked:", ...skipped] : []),
  ].join("\n");
}
