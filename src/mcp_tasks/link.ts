/**
 * What a tool call running as an MCP task shares with the action pipeline:
 * the pipeline binds the PVE task (UPID) it started, and the link stops that
 * PVE task (`DELETE /nodes/{node}/tasks/{upid}`) when the client cancels the
 * MCP task. It also carries the wait's abort signal: independent of the
 * `tools/call` request (which ends as soon as the task is handed back), but
 * aborted when that request is cancelled before the hand-back, or when a
 * cancelled PVE task does not stop within {@linkcode STOP_GRACE_MS}.
 *
 * @example
 * ```ts ignore
 * const link = new TaskLink(logger, extra.signal);
 * store.onCancel(taskId, () => link.cancel());
 * // in the pipeline, once the POST returned a UPID:
 * link.bind(upid, () => stopPveTask(ctx.pve, upid));
 * ```
 *
 * @module
 */

import type { Logger } from "../log.ts";
import type { PveClient } from "../proxmox/client.ts";
import { parseUpid } from "../proxmox/tasks.ts";

/** How long the pipeline keeps waiting for a PVE task it asked to stop. */
export const STOP_GRACE_MS = 60_000;

/** The pipeline's view of the MCP task it runs in (see the module doc). */
export interface McpTaskLink {
  /** The PVE task behind this MCP task; `stop` stops it, on tasks/cancel. */
  bind(upid: string, stop: () => Promise<void>): void;
  /** The client cancelled the MCP task. */
  readonly cancelled: boolean;
  /** Why stopping the PVE task failed, if it did. */
  readonly stopError: string | undefined;
  /** A short progress line for the task's `statusMessage`. */
  status(message: string): void;
}

/** Stops a running PVE task, as the client's tasks/cancel asks (sent once, never retried). */
export async function stopPveTask(pve: PveClient, upid: string): Promise<void> {
  const u = parseUpid(upid);
  if (!u) throw new Error(`"${upid}" is not a PVE task id`);
  await pve.delete("/nodes/{node}/tasks/{upid}", { node: u.node, upid });
}

/** The link of one MCP task. */
export class TaskLink implements McpTaskLink {
  readonly #abort = new AbortController();
  readonly #started = Promise.withResolvers<void>();
  #stop: (() => Promise<void>) | undefined;
  #cancelled = false;
  #stopError: string | undefined;
  #handedBack = false;
  upid: string | undefined;

  constructor(
    private readonly logger: Logger,
    request: AbortSignal,
    private readonly onStatus: (message: string) => void = () => {},
  ) {
    // Before the hand-back the client may still cancel the tools/call itself.
    request.addEventListener("abort", () => {
      if (!this.#handedBack) this.#abort.abort();
    }, { once: true });
  }

  /** The wait's signal (see the module doc). */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** Resolves once a PVE task is bound. */
  get started(): Promise<void> {
    return this.#started.promise;
  }

  get cancelled(): boolean {
    return this.#cancelled;
  }

  get stopError(): string | undefined {
    return this.#stopError;
  }

  /** The task was returned to the client: the tools/call request no longer matters. */
  handedBack(): void {
    this.#handedBack = true;
  }

  bind(upid: string, stop: () => Promise<void>): void {
    this.upid = upid;
    this.#stop = stop;
    this.#started.resolve();
    if (this.#cancelled) this.#doStop();
  }

  status(message: string): void {
    this.onStatus(message);
  }

  /** The client cancelled the MCP task: stop the PVE task (now, or once it is bound). */
  cancel(): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    if (this.#stop) this.#doStop();
  }

  #doStop(): void {
    const stop = this.#stop!;
    this.#stop = undefined;
    const grace = setTimeout(() => this.#abort.abort(), STOP_GRACE_MS) as unknown as number;
    Deno.unrefTimer(grace);
    stop().then(
      () => this.logger.info("PVE task stopped on tasks/cancel", { upid: this.upid }),
      (e) => {
        this.#stopError = (e as Error).message;
        this.logger.warn("could not stop the PVE task", {
          upid: this.upid,
          error: this.#stopError,
        });
        clearTimeout(grace);
        this.#abort.abort(); // nothing will stop it: do not keep waiting for a cancelled task
      },
    );
  }
}
