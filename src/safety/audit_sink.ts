/**
 * The audit sinks start-up builds, without the writer: the null sink (no
 * `audit.file`) and a file sink that imports the hash-chain writer
 * (`audit.ts`, with its key and rotation code) on its first record or
 * readiness check. A server that is never asked to change anything never
 * loads it; one that is behaves exactly as with a `FileAuditLog` (records
 * stay in order: every call waits on the same load, then on the writer's queue).
 *
 * @example
 * ```ts
 * import { lazyFileAuditLog } from "./audit_sink.ts";
 * import { Redactor } from "../log.ts";
 * const dir = await Deno.makeTempDir();
 * const audit = lazyFileAuditLog(`${dir}/audit.jsonl`, new Redactor());
 * await audit.record({ tool: "start_vm", outcome: "ok" }); // loads the writer, then appends
 * console.log(JSON.parse(await Deno.readTextFile(`${dir}/audit.jsonl`)).tool); // "start_vm"
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */

import type { Redactor } from "../log.ts";
import type { AuditSink, FileAuditOptions } from "./audit.ts";

/** Discards records (no audit file configured); the logger still notes each mutation. */
export class NullAuditLog implements AuditSink {
  record(): Promise<void> {
    return Promise.resolve();
  }
  ready(): Promise<void> {
    return Promise.resolve();
  }
}

/** A `FileAuditLog` on `path`, built when first used. */
export function lazyFileAuditLog(
  path: string,
  redactor: Redactor,
  opts: FileAuditOptions = {},
): AuditSink {
  let writer: Promise<AuditSink> | undefined;
  const load = () =>
    writer ??= import("./audit.ts").then((m) => new m.FileAuditLog(path, redactor, opts));
  return {
    record: async (entry) => await (await load()).record(entry),
    ready: async () => await (await load()).ready(),
  };
}
