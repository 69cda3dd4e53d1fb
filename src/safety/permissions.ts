/**
 * What the API token may do, from `GET /access/permissions` (path →
 * privilege → propagate), and the schema's privilege checks evaluated against
 * it, so a call that PVE would refuse is refused here first, with the fix.
 *
 * @example
 * ```ts
 * import { PermissionSnapshot } from "./permissions.ts";
 * const snap = new PermissionSnapshot({ "/": { "VM.Audit": 1 }, "/vms/100": { "VM.PowerMgmt": 0 } });
 * console.log(snap.has("/vms/100", "VM.Audit"), snap.has("/vms/101", "VM.PowerMgmt")); // true false
 * console.log(snap.missing(["perm", "/vms/{vmid}", ["VM.PowerMgmt"]], { vmid: 100 })); // undefined
 * ```
 *
 * @module
 */

import { privilegesFor, type PveVersion } from "../proxmox/version.ts";

/** PVE's answer: path → privilege → 1 when it propagates to sub-paths. */
export type PermissionMap = Record<string, Record<string, unknown>>;

/** A privilege the token lacks, and where. */
export interface MissingPrivilege {
  path: string;
  privileges: string[];
  /** True when any one of `privileges` would do. */
  any: boolean;
}

function normalize(p: string): string {
  const s = ("/" + p).replace(/\/+/g, "/").replace(/\/$/, "");
  return s === "" ? "/" : s;
}

/** The token's privileges at one moment. */
export class PermissionSnapshot {
  readonly #map: PermissionMap;
  readonly #anywhere: Set<string>;

  /** `version`: the cluster's PVE release, so checks use its privilege names (version.ts). */
  constructor(map: PermissionMap, readonly version?: PveVersion) {
    this.#map = map;
    this.#anywhere = new Set(Object.values(map).flatMap((privs) => Object.keys(privs ?? {})));
  }

  /** A stable text of the snapshot, to tell whether it changed. */
  get fingerprint(): string {
    return JSON.stringify(
      Object.keys(this.#map).sort().map((p) => [
        p,
        Object.entries(this.#map[p] ?? {}).map(([k, v]) => `${k}=${Number(v)}`).sort(),
      ]),
    );
  }

  /** Whether the token holds `priv` on any path at all. */
  holdsAnywhere(priv: string): boolean {
    return privilegesFor([priv], this.version).some((p) => this.#anywhere.has(p));
  }

  /** Whether the token holds `priv` at `path` (set there, or propagated from an ancestor). */
  has(path: string, priv: string): boolean {
    const target = normalize(path);
    for (const [aclPath, privs] of Object.entries(this.#map)) {
      const v = privs?.[priv];
      if (v === undefined) continue;
      const a = normalize(aclPath);
      if (a === target) return true;
      if ((v === 1 || v === true) && (a === "/" || target.startsWith(a + "/"))) return true;
    }
    return false;
  }

  /**
   * Evaluates a schema check (`["perm", path, privs, "any", 1]`, `["and", …]`, `["or", …]`)
   * with `{param}` placeholders filled from `params`. Returns what is missing, or `undefined`
   * when the call is allowed (or the check is of a kind only PVE can evaluate).
   */
  missing(
    check: readonly unknown[] | undefined,
    params: Record<string, unknown>,
  ): MissingPrivilege | undefined {
    if (!check) return undefined;
    const [op, ...rest] = check;
    if (op === "and") {
      for (const sub of rest) {
        const m = this.missing(sub as unknown[], params);
        if (m) return m;
      }
      return undefined;
    }
    if (op === "or") {
      let first: MissingPrivilege | undefined;
      for (const sub of rest) {
        const m = this.missing(sub as unknown[], params);
        if (!m) return undefined;
        first ??= m;
      }
      return first;
    }
    if (op !== "perm") return undefined; // userid-param, perm-modify…: PVE decides
    const [template, named, ...optList] = rest as [string, string[], ...unknown[]];
    const opts: Record<string, unknown> = {};
    for (let i = 0; i + 1 < optList.length; i += 2) opts[String(optList[i])] = optList[i + 1];
    if (opts.require_param && params[String(opts.require_param)] === undefined) return undefined;
    const path = normalize(template.replace(/\{(\w+)\}/g, (_, k) => String(params[k] ?? "")));
    const renamed = privilegesFor(named, this.version);
    // A pre-9.0 rename folds several names into one: "any" of them then is that one.
    const any = !!opts.any || renamed.length < named.length ||
      (this.version === undefined && renamed.length > named.length);
    const privs = renamed;
    const ok = any ? privs.some((p) => this.has(path, p)) : privs.every((p) => this.has(path, p));
    if (ok) return undefined;
    return { path, privileges: any ? privs : privs.filter((p) => !this.has(path, p)), any };
  }
}

/** The `pveum` command that grants a missing privilege to the token. */
export function grantHint(tokenId: string, m: MissingPrivilege): string {
  const role = suggestRole(m.privileges[0]);
  return `pveum acl modify ${m.path} --tokens '${tokenId}' --roles ${role}`;
}

/** A built-in PVE role that carries `priv` (the narrowest one we know). */
export function suggestRole(priv: string): string {
  if (priv === "VM.PowerMgmt" || priv === "VM.Console") return "PVEVMUser";
  if (priv.startsWith("VM.Snapshot") || priv.startsWith("VM.Config") || priv === "VM.Allocate") {
    return "PVEVMAdmin";
  }
  if (priv === "VM.Backup") return "PVEVMUser";
  if (priv.startsWith("VM.GuestAgent") || priv === "VM.Monitor") return "PVEVMAdmin";
  if (priv.startsWith("Datastore.")) return "PVEDatastoreUser";
  if (priv === "VM.Audit" || priv === "Sys.Audit" || priv === "Datastore.Audit") {
    return "PVEAuditor";
  }
  if (priv.startsWith("Sys.")) return "PVESysAdmin";
  return "Administrator";
}
