/**
 * Keeps a fresh {@linkcode PermissionSnapshot} of the token (from
 * `GET /access/permissions`), refuses calls PVE would refuse before they are
 * sent (with the privilege, the path and the `pveum` fix), and tells
 * listeners when the token's privileges change.
 *
 * Fetched after the MCP handshake, never before it: start-up stays free of
 * network I/O. Refreshed on a timer, after any 401/403, and once before a
 * refusal when the snapshot is not brand new (privileges may just have been granted).
 *
 * @example
 * ```ts ignore
 * const watch = new PermissionWatcher(ctx.pve, ctx.logger, 300_000);
 * ctx.pve.setGuard(watch);
 * await watch.ensureFresh();
 * console.log(watch.snapshot?.holdsAnywhere("VM.PowerMgmt"));
 * ```
 *
 * @module
 */

import type { HttpMethod } from "../proxmox/endpoints.ts";
import { lookupEndpoint } from "../proxmox/endpoints_lazy.ts";
import type { Params, PveClient, RequestGuard } from "../proxmox/client.ts";
import { PveError } from "../proxmox/errors.ts";
import type { Logger } from "../log.ts";
import { grantHint, type PermissionMap, PermissionSnapshot } from "./permissions.ts";
import { pveVersion } from "../proxmox/version.ts";

/**
 * A refusal is re-checked against a new snapshot when the current one is older than this. Zero:
 * every refusal is confirmed by a fresh read (one GET, on the rare refused path only), since an
 * admin may have granted the privilege a moment ago, after the last read.
 */
export const RECHECK_AFTER_MS = 0;

/** The token's privileges, kept fresh; also the client's pre-send guard. */
export class PermissionWatcher implements RequestGuard {
  #snapshot: PermissionSnapshot | undefined;
  #loadedAt = 0;
  #loading: Promise<void> | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #listeners = new Set<() => void>();

  constructor(
    private readonly pve: PveClient,
    private readonly logger: Logger,
    private readonly refreshMs: number,
  ) {}

  /** The latest snapshot, if one was loaded. */
  get snapshot(): PermissionSnapshot | undefined {
    return this.#snapshot;
  }

  /** Milliseconds since the snapshot was read (Infinity without one). */
  get ageMs(): number {
    return this.#snapshot ? Date.now() - this.#loadedAt : Infinity;
  }

  /** Calls `fn` whenever the privileges change; returns an unsubscribe function. */
  onChange(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** Loads a snapshot unless one younger than `maxAgeMs` exists. Never throws. */
  ensureFresh(maxAgeMs = this.refreshMs): Promise<void> {
    if (this.#snapshot && Date.now() - this.#loadedAt < maxAgeMs) return Promise.resolve();
    this.#loading ??= this.#load().finally(() => (this.#loading = undefined));
    this.#startTimer();
    return this.#loading;
  }

  /** Stops the refresh timer. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** RequestGuard: refuse a call whose schema privilege check fails against the snapshot. */
  async precheck(method: HttpMethod, template: string, params: Params) {
    if (!this.#snapshot) return undefined; // nothing known yet: let PVE decide
    const check = (await lookupEndpoint(method, template)).permissions?.check;
    if (!check) return undefined;
    let missing = this.#snapshot.missing(check, params);
    if (missing && this.ageMs >= RECHECK_AFTER_MS) {
      await this.ensureFresh(0);
      missing = this.#snapshot.missing(check, params);
    }
    if (!missing) return undefined;
    const what = missing.privileges.join(missing.any ? " or " : " and ");
    return new PveError(
      "permission",
      `The API token ${this.pve.tokenId} lacks ${what} on ${missing.path}, which ` +
        `${method} ${template} needs (checked before sending; nothing was changed). ` +
        `Grant it: ${grantHint(this.pve.tokenId, missing)}`,
      {
        method,
        path: template,
        permission: { path: missing.path, privileges: missing.privileges },
      },
    );
  }

  /** RequestGuard: a 401/403 means the snapshot may be stale. */
  denied(): void {
    this.#loadedAt = 0;
    queueMicrotask(() => void this.ensureFresh(0));
  }

  async #load(): Promise<void> {
    try {
      // The version names the privileges (VM.Monitor before 9.0): read once per client, here,
      // after the handshake like the privileges themselves.
      const [map, version] = await Promise.all([
        this.pve.get<PermissionMap>("/access/permissions"),
        pveVersion(this.pve),
      ]);
      const next = new PermissionSnapshot(map && typeof map === "object" ? map : {}, version);
      const changed = next.fingerprint !== this.#snapshot?.fingerprint;
      this.#snapshot = next;
      this.#loadedAt = Date.now();
      if (changed) { for (const fn of this.#listeners) fn(); }
    } catch (e) {
      // Without a snapshot every tool stays offered and PVE itself refuses what it must.
      this.logger.warn("could not read the token's permissions", { error: (e as Error).message });
    }
  }

  #startTimer() {
    if (this.#timer !== undefined || this.refreshMs <= 0) return;
    const timer = setInterval(() => void this.ensureFresh(0), this.refreshMs);
    // The refresh must not keep the process alive after the client has gone.
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }
}
