/**
 * Stateless MCP task ids: everything a replica needs to answer for a task is
 * sealed into its id (src/crypto/seal.ts) — the kind of job, its facts (for
 * a PVE job: cluster, node, UPID, tool, target), the owner and the creation
 * time. Any replica that shares the key answers `tasks/get` from the job
 * itself (PVE), so no task store stands behind a load balancer. A forged,
 * altered, expired or foreign id opens to nothing.
 *
 * @example
 * ```ts
 * import { Sealer } from "../../crypto/seal.ts";
 * import { TaskIds } from "./ids.ts";
 * const ids = new TaskIds(await Sealer.random(), { ttlMs: 60_000 });
 * const { id } = await ids.mint({ kind: "pve", owner: "ops", data: { upid: "UPID:..." } });
 * console.log((await ids.open(id, "ops"))?.kind, await ids.open(id, "other")); // "pve" undefined
 * ```
 *
 * @module
 */

import type { Sealer } from "../../crypto/seal.ts";

/** What a task id holds. */
export interface TaskFacts {
  kind: string;
  owner: string;
  /** Creation time (ms since the epoch). */
  created: number;
  /** Retention from creation (ms). */
  ttlMs: number;
  data: Record<string, unknown>;
}

const PURPOSE = "mcp-task-id/v1";

/** Mints and opens task ids under one key. */
export class TaskIds {
  constructor(readonly sealer: Sealer, readonly opts: { ttlMs: number }) {}

  /** A new id for a job that exists now. */
  async mint(
    f: { kind: string; owner: string; data: Record<string, unknown> },
  ): Promise<{ id: string; facts: TaskFacts }> {
    const facts: TaskFacts = { ...f, created: Date.now(), ttlMs: this.opts.ttlMs };
    return { id: await this.sealer.seal(PURPOSE, facts), facts };
  }

  /** The facts of `id` when it is genuine, unexpired and `owner`'s; else undefined. */
  async open(id: unknown, owner: string): Promise<TaskFacts | undefined> {
    const f = await this.sealer.open<TaskFacts>(PURPOSE, id);
    if (!f || typeof f !== "object" || typeof f.kind !== "string") return undefined;
    if (f.owner !== owner) return undefined;
    if (typeof f.created !== "number" || Date.now() > f.created + f.ttlMs) return undefined;
    return f;
  }
}
