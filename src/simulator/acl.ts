/**
 * API tokens, PVE's built-in roles and the privilege check of the schema's
 * `permissions.check` notation, as pve-access-control evaluates them.
 *
 * @module
 */

/** An API token the simulator accepts, with its effective ACL. */
export interface SimToken {
  /** `user@realm`, e.g. `mcp@pve`. */
  user: string;
  /** Token name; the full id is `user!tokenid`. */
  tokenid: string;
  /** The secret (a UUID). */
  secret: string;
  /** Privilege separation (default true). The ACL given here is already the effective one. */
  privsep?: boolean;
  /** path -> privilege -> propagate, as `GET /access/permissions` returns it. */
  acl: Record<string, Record<string, 0 | 1>>;
  /**
   * The owning user's own ACL (`/access/permissions?userid=USER`). Without privsep it is `acl`;
   * with privsep and none given, the user is an Administrator on `/` (the usual set-up: an admin
   * user holding a restricted token).
   */
  userAcl?: Record<string, Record<string, 0 | 1>>;
}

// pve-access-control builds its special roles from privilege groups (root /
// admin / user / audit per category). This is the PVE 9 table: VM.Monitor is
// gone, replaced by the VM.GuestAgent.* privileges.
const GROUPS: Record<
  string,
  { root?: string[]; admin?: string[]; user?: string[]; audit?: string[] }
> = {
  VM: {
    admin: [
      "VM.Config.Disk",
      "VM.Config.CPU",
      "VM.Config.Memory",
      "VM.Config.Network",
      "VM.Config.HWType",
      "VM.Config.Options",
      "VM.Allocate",
      "VM.Clone",
      "VM.Migrate",
      "VM.Replicate",
      "VM.Snapshot",
      "VM.Snapshot.Rollback",
      "VM.GuestAgent.FileRead",
      "VM.GuestAgent.FileWrite",
      "VM.GuestAgent.FileSystemMgmt",
      "VM.GuestAgent.Unrestricted",
    ],
    user: [
      "VM.Config.CDROM",
      "VM.Config.Cloudinit",
      "VM.Console",
      "VM.Backup",
      "VM.PowerMgmt",
      "VM.GuestAgent.Audit",
    ],
    audit: ["VM.Audit"],
  },
  Sys: {
    root: ["Sys.PowerMgmt", "Sys.Modify", "Sys.Incoming"],
    admin: ["Permissions.Modify", "Sys.Console", "Sys.Syslog", "Sys.AccessNetwork"],
    audit: ["Sys.Audit"],
  },
  Datastore: {
    admin: ["Datastore.Allocate", "Datastore.AllocateTemplate"],
    user: ["Datastore.AllocateSpace"],
    audit: ["Datastore.Audit"],
  },
  SDN: { admin: ["SDN.Allocate"], user: ["SDN.Use"], audit: ["SDN.Audit"] },
  Mapping: { admin: ["Mapping.Modify"], user: ["Mapping.Use"], audit: ["Mapping.Audit"] },
  User: {
    root: ["Realm.Allocate"],
    admin: ["User.Modify", "Group.Allocate", "Realm.AllocateUser"],
  },
  Pool: { admin: ["Pool.Allocate"], user: ["Pool.Audit"], audit: ["Pool.Audit"] },
};

/** Names of PVE's built-in roles. */
export type RoleName =
  | "Administrator"
  | "NoAccess"
  | "PVEAdmin"
  | "PVEAuditor"
  | "PVETemplateUser"
  | "PVEVMAdmin"
  | "PVEVMUser"
  | "PVESysAdmin"
  | "PVEDatastoreAdmin"
  | "PVEDatastoreUser"
  | "PVESDNAdmin"
  | "PVESDNUser"
  | "PVEMappingAdmin"
  | "PVEMappingUser"
  | "PVEUserAdmin"
  | "PVEPoolAdmin"
  | "PVEPoolUser";

/** Privileges of each built-in role, derived as pve-access-control derives them. */
export const ROLES: Record<RoleName, readonly string[]> = (() => {
  const roles: Record<string, Set<string>> = { Administrator: new Set(), NoAccess: new Set() };
  const add = (role: string, privs: string[] = []) => {
    roles[role] ??= new Set();
    privs.forEach((p) => roles[role].add(p));
  };
  for (const [cat, g] of Object.entries(GROUPS)) {
    add("Administrator", [
      ...(g.root ?? []),
      ...(g.admin ?? []),
      ...(g.user ?? []),
      ...(g.audit ?? []),
    ]);
    const nonRoot = [...(g.admin ?? []), ...(g.user ?? []), ...(g.audit ?? [])];
    add(`PVE${cat}Admin`, nonRoot);
    add("PVEAdmin", nonRoot);
    if (g.user?.length) add(`PVE${cat}User`, [...g.user, ...(g.audit ?? [])]);
    add("PVEAuditor", g.audit);
  }
  add("PVETemplateUser", ["VM.Clone", "VM.Audit"]);
  return Object.fromEntries(
    Object.entries(roles).map(([k, v]) => [k, [...v].sort()]),
  ) as unknown as Record<
    RoleName,
    readonly string[]
  >;
})();

/** A token holding `role` on `path` (default `/`), propagated. */
export function tokenWithRole(
  role: RoleName,
  opts: { user?: string; tokenid?: string; secret?: string; path?: string } = {},
): SimToken {
  const privs = Object.fromEntries(ROLES[role].map((p) => [p, 1 as const]));
  return {
    user: opts.user ?? "mcp@pve",
    tokenid: opts.tokenid ?? role.toLowerCase(),
    secret: opts.secret ?? "5f0c9a4e-1b2d-4c3e-8f7a-6b5c4d3e2f1a",
    acl: { [opts.path ?? "/"]: privs },
  };
}

/** The demo token `mcp@pve!mcp`: Administrator on `/`. */
export const DEMO_TOKEN: SimToken = {
  ...tokenWithRole("Administrator", {
    tokenid: "mcp",
    secret: "8d9f6d2e-3c1b-4a5f-9e7d-2b4c6a8e0f13",
  }),
};

/** `user@realm!tokenid`. */
export const fullTokenId = (t: SimToken): string => `${t.user}!${t.tokenid}`;

// A privilege at path P comes from the nearest ACL path A that is P itself or an
// ancestor with propagate=1 (the simplified token semantics of the contract).
function grantedAt(acl: SimToken["acl"], path: string, priv: string): boolean {
  for (const [a, privs] of Object.entries(acl)) {
    const v = privs[priv];
    if (v === undefined) continue;
    if (a === path) return true;
    if (v === 1 && (a === "/" || path.startsWith(a + "/"))) return true;
  }
  return false;
}

/** True if the token holds all (or with `any`, one) of `privs` on `path`. */
export function hasPrivs(
  acl: SimToken["acl"],
  path: string,
  privs: readonly string[],
  any = false,
): boolean {
  return any
    ? privs.some((p) => grantedAt(acl, path, p))
    : privs.every((p) => grantedAt(acl, path, p));
}

/** Effective privileges on one path (`/access/permissions?path=`): privilege -> propagate. */
export function privsAt(acl: SimToken["acl"], path: string): Record<string, 0 | 1> {
  const out: Record<string, 0 | 1> = {};
  for (const [a, privs] of Object.entries(acl)) {
    const applies = a === path || a === "/" || path.startsWith(a + "/");
    for (const [p, prop] of Object.entries(privs)) {
      if (a === path) out[p] = prop;
      else if (applies && prop === 1) out[p] = out[p] ?? 1;
    }
  }
  return out;
}

/** PVE's `normalize_path`: collapse slashes, drop a trailing one. */
export function normalizeAclPath(p: string): string {
  const s = ("/" + p).replace(/\/+/g, "/").replace(/\/$/, "");
  return s === "" ? "/" : s;
}

/** Thrown by {@link checkPermissions}: becomes HTTP 403. */
export class PermissionDenied extends Error {}

/**
 * Evaluates an endpoint's `permissions` as `check_api2_permissions` does:
 * `user: "all"` lets everyone in; otherwise `check` is evaluated (`perm`, `and`,
 * `or`; `{param}` substituted from path and request parameters). Throws
 * {@link PermissionDenied} with PVE's text, e.g. `Permission check failed (/vms/100, VM.PowerMgmt)`.
 */
export function checkPermissions(
  perms: { check?: readonly unknown[]; user?: string } | null,
  acl: SimToken["acl"],
  params: Record<string, string | string[]>,
): void {
  if (perms?.user === "all") return;
  if (!perms?.check) throw new PermissionDenied("Permission check failed");
  evalCheck(perms.check, acl, params, false);
}

function evalCheck(
  check: readonly unknown[],
  acl: SimToken["acl"],
  params: Record<string, string | string[]>,
  noerr: boolean,
): boolean {
  const [op, ...rest] = check;
  if (op === "and") {
    for (const sub of rest) if (!evalCheck(sub as unknown[], acl, params, noerr)) return false;
    return true;
  }
  if (op === "or") {
    for (const sub of rest) if (evalCheck(sub as unknown[], acl, params, true)) return true;
    if (noerr) return false;
    throw new PermissionDenied("Permission check failed");
  }
  if (op !== "perm") throw new PermissionDenied("Permission check failed"); // userid-param etc.
  const [tmpl, privs, ...optList] = rest as [string, string[], ...unknown[]];
  const opts: Record<string, unknown> = {};
  for (let i = 0; i + 1 < optList.length; i += 2) opts[String(optList[i])] = optList[i + 1];
  const required = opts.require_param as string | undefined;
  if (required && params[required] === undefined) {
    if (noerr) return false;
    throw new PermissionDenied("Permission check failed");
  }
  const path = normalizeAclPath(tmpl.replace(/\{(\w+)\}/g, (_, k) => String(params[k] ?? "")));
  const any = !!opts.any;
  if (hasPrivs(acl, path, privs, any)) return true;
  if (noerr) return false;
  const missing = any ? privs.join("|") : privs.find((p) => !hasPrivs(acl, path, [p]));
  throw new PermissionDenied(`Permission check failed (${path}, ${missing})`);
}
