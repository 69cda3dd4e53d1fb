/**
 * What route handlers see and throw. A route file exports a {@link RouteTable}
 * keyed by `"METHOD /template"` exactly as in `src/proxmox/endpoints_table.ts`;
 * `routes/mod.ts` merges them. By the time a handler runs, the request is
 * authenticated, authorised by the schema's `permissions.check`, proxied to an
 * online node and its parameters are verified.
 *
 * @module
 */

import type { EndpointSpec } from "../proxmox/endpoints.ts";
import type { SimToken } from "./acl.ts";
import type { Params } from "./params.ts";
import type { ClusterState, GuestModel } from "./state.ts";

/** An error answer: HTTP status, PVE's message, and for 400 the `errors` map. */
export class PveError extends Error {
  /** HTTP status. */
  readonly status: number;
  /** Per-parameter errors (400 only). */
  readonly errors?: Record<string, string>;
  constructor(status: number, message: string, errors?: Record<string, string>) {
    super(message);
    this.status = status;
    this.errors = errors;
  }
}

/** 400 `Parameter verification failed.` with one error. */
export const paramError = (param: string, msg: string): PveError =>
  new PveError(400, "Parameter verification failed.", { [param]: msg });

/** Everything a handler needs. */
export interface RouteContext {
  state: ClusterState;
  token: SimToken;
  /** `user@realm!tokenid`: the task owner for tasks this request starts. */
  tokenId: string;
  /** Path and request parameters together, verified. */
  params: Params;
  pathParams: Record<string, string>;
  spec: EndpointSpec;
  /** True if the token holds `privs` (all, or one with `any`) on `path`. */
  can(path: string, privs: readonly string[], any?: boolean): boolean;
  /** Sets the envelope's `total` (task lists and logs carry one). */
  setTotal(n: number): void;
}

/** A handler returns the `data` of the answer, or throws {@link PveError}. */
export type RouteHandler = (ctx: RouteContext) => unknown | Promise<unknown>;

/** Handlers by `"METHOD /template"`. */
export type RouteTable = Record<string, RouteHandler>;

/**
 * The guest behind `/nodes/{node}/{qemu|lxc}/{vmid}/...`, or PVE's error when its
 * config file is not on that node.
 */
export function guestAt(ctx: RouteContext, type: "qemu" | "lxc"): GuestModel {
  const node = ctx.pathParams.node;
  const vmid = Number(ctx.pathParams.vmid);
  const g = ctx.state.guests.get(vmid);
  if (!g || g.node !== node || g.type !== type) {
    const dir = type === "qemu" ? "qemu-server" : "lxc";
    throw new PveError(
      500,
      `Configuration file 'nodes/${node}/${dir}/${vmid}.conf' does not exist`,
    );
  }
  return g;
}

/** Drops `undefined` fields, as PVE leaves absent keys out of its JSON. */
export function compact<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}
