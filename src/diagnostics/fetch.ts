/**
 * Reads for the diagnostics: every GET is counted, and a read the token may
 * not make (403) or a node that cannot answer becomes a "not checked" entry
 * instead of an error, so one missing privilege never hides the other checks.
 *
 * @example
 * ```ts ignore
 * const probe = new Probe(ctx.pve);
 * const ha = await probe.get("cluster.ha", "/cluster/ha/status/current");
 * if (ha === undefined) console.log(probe.notChecked); // "not checked: missing privilege ..."
 * ```
 *
 * @module
 */

import type { Params, PveClient } from "../proxmox/client.ts";
import { PveError } from "../proxmox/errors.ts";
import type { NotChecked } from "./types.ts";

/** Fills a path template for evidence text: `/nodes/{node}/status` → `/nodes/pve1/status`. */
export function describe(template: string, params: Params = {}): string {
  const filled = template.replace(/\{([a-z_]+)\}/g, (_m, k: string) => String(params[k] ?? k));
  const query = Object.entries(params)
    .filter(([k, v]) => v !== undefined && !template.includes(`{${k}}`))
    .map(([k, v]) => `${k}=${v}`).join("&");
  return `GET ${filled}${query ? `?${query}` : ""}`;
}

/** Counted, failure-tolerant GETs for one diagnostic run. */
export class Probe {
  requests = 0;
  readonly notChecked: NotChecked[] = [];
  readonly #pve: Pick<PveClient, "get">;

  constructor(pve: Pick<PveClient, "get">) {
    this.#pve = pve;
  }

  /**
   * GET `template`; on 403 or an unreachable node records why `check` did not run and
   * returns `undefined`. Other failures (auth, network, bad answers) still throw: the
   * whole analysis would be wrong, not just one check.
   */
  async get<T = unknown>(check: string, template: string, params: Params = {}) {
    this.requests++;
    try {
      return await this.#pve.get<T>(template, params);
    } catch (e) {
      const why = skipReason(e, describe(template, params));
      if (!why) throw e;
      this.notChecked.push({ check, ...why });
      return undefined;
    }
  }

  /** Records a check that was skipped without a request (e.g. the token's ACL already says no). */
  skip(check: string, reason: string, privilege: string | null = null, path: string | null = null) {
    this.notChecked.push({ check, reason, privilege, path });
  }
}

/** Maps the tolerable failures to a "not checked" reason; `undefined` for the rest. */
export function skipReason(
  e: unknown,
  what: string,
): Omit<NotChecked, "check"> | undefined {
  if (!(e instanceof PveError)) return undefined;
  if (e.kind === "permission") {
    const p = e.details.permission;
    const privilege = p?.privileges.join(" or ") ?? null;
    return {
      reason: p
        ? `not checked: missing privilege ${privilege} on ${p.path} (${what})`
        : `not checked: permission denied for ${what}`,
      privilege,
      path: p?.path ?? null,
    };
  }
  if (e.kind === "node-unreachable") {
    return { reason: `not checked: node unreachable for ${what}`, privilege: null, path: null };
  }
  if (e.kind === "not-implemented") {
    return {
      reason: `not checked: ${what} is not available on this PVE version`,
      privilege: null,
      path: null,
    };
  }
  return undefined;
}

/** Runs `fn` over `items` with at most `limit` in flight, keeping order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
