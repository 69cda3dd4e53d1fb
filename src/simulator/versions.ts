/**
 * The PVE release a simulator plays (`startSimulator({ pveVersion: "8.2" })`), and the API
 * facts that differ between releases. The endpoint table and its permission checks are PVE
 * 9.1's (apidoc.json); an older release is 9.1 with these differences applied:
 *
 * - before 9.0, no `VM.GuestAgent.*` privileges: every agent endpoint checks `VM.Monitor`
 *   (pve-devel "replace ambiguously named VM.Monitor privilege", 2025-07, shipped in 9.0), and
 *   the built-in roles hold `VM.Monitor` where 9.x holds the admin agent privileges;
 * - before 8.1, `GET /pools` takes no parameter (`poolid` and `type` are refused as not in the
 *   schema); a pool's members come from `GET /pools/{poolid}` only;
 * - before 8.3, an error answer's body is `{"data": null}` (plus `errors` for a 400): the text
 *   is on the HTTP status line only (pve-http-server added `message` to the body in 8.3).
 *
 * @example
 * ```ts
 * import { permissionsFor, pveRelease } from "./versions.ts";
 * const r = pveRelease("8.2");
 * console.log(r.version, r.guestAgentPrivileges); // "8.2.4" false
 * console.log(permissionsFor(r, { check: ["perm", "/vms/{vmid}", ["VM.GuestAgent.Audit"]] }));
 * // { check: ["perm", "/vms/{vmid}", ["VM.Monitor"]] }
 * ```
 *
 * @module
 */

import type { EndpointSpec } from "../proxmox/endpoints.ts";

/** The releases the simulator can play. */
export const PVE_VERSIONS = ["7.4", "8.0", "8.2", "8.4", "9.0", "9.1"] as const;

/** One of {@link PVE_VERSIONS}. */
export type SimPveVersion = typeof PVE_VERSIONS[number];

/** A release as the simulator plays it. */
export interface PveRelease {
  /** `/version`'s `version`: PVE 7 spelled it `7.4-17`, 8.0 onwards `8.2.4`. */
  version: string;
  release: string;
  repoid: string;
  /** 9.0+: `VM.GuestAgent.*` exist; before, agent endpoints check `VM.Monitor`. */
  guestAgentPrivileges: boolean;
  /** 8.1+: `GET /pools?poolid=` answers one pool with its members. */
  poolQuery: boolean;
  /** 8.3+: error texts also in the body's `message`. */
  errorInBody: boolean;
}

// Last point release of each minor (pve-manager versions as `/version` reports them).
const RELEASES: Record<SimPveVersion, { version: string; repoid: string }> = {
  "7.4": { version: "7.4-17", repoid: "513c62be" },
  "8.0": { version: "8.0.4", repoid: "d258a813cfa6b390" },
  "8.2": { version: "8.2.4", repoid: "faa83925c9641325" },
  "8.4": { version: "8.4.1", repoid: "2a5fa54a8503f96d" },
  "9.0": { version: "9.0.3", repoid: "025864202ebb6109" },
  "9.1": { version: "9.1.3", repoid: "1f3c4e5d6b7a8c9d" },
};

/** The default: what the demo and every test without a version run (the schema's release). */
export const DEFAULT_PVE_VERSION: SimPveVersion = "9.1";

/** The release behind a version name; throws, naming the choices, for any other value. */
export function pveRelease(v: string = DEFAULT_PVE_VERSION): PveRelease {
  if (!(PVE_VERSIONS as readonly string[]).includes(v)) {
    throw new Error(`pveVersion "${v}" is not simulated: use one of ${PVE_VERSIONS.join(", ")}`);
  }
  const [major, minor] = v.split(".").map(Number);
  const at = (M: number, m: number) => major > M || (major === M && minor >= m);
  return {
    ...RELEASES[v as SimPveVersion],
    release: v,
    guestAgentPrivileges: at(9, 0),
    poolQuery: at(8, 1),
    errorInBody: at(8, 3),
  };
}

/** A privilege list as `release` names it (VM.GuestAgent.* folded into VM.Monitor before 9.0). */
export function privilegesIn(release: PveRelease, privs: readonly string[]): string[] {
  if (release.guestAgentPrivileges) return [...privs];
  const out = new Set<string>();
  for (const p of privs) out.add(p.startsWith("VM.GuestAgent.") ? "VM.Monitor" : p);
  return [...out];
}

/** An endpoint's `permissions` with every `perm` check's privileges named as `release` does. */
export function permissionsFor(
  release: PveRelease,
  perms: EndpointSpec["permissions"],
): EndpointSpec["permissions"] {
  if (release.guestAgentPrivileges || !perms?.check) return perms;
  const walk = (c: readonly unknown[]): unknown[] => {
    const [op, ...rest] = c;
    if (op === "perm") {
      const [path, privs, ...opts] = rest as [string, string[], ...unknown[]];
      return [op, path, privilegesIn(release, privs), ...opts];
    }
    if (op === "and" || op === "or") return [op, ...rest.map((s) => walk(s as unknown[]))];
    return [...c];
  };
  return { ...perms, check: walk(perms.check) };
}

/**
 * A built-in role's privileges in `release`: before 9.0 the admin agent privileges were one,
 * `VM.Monitor` (in PVEVMAdmin, PVEAdmin, Administrator), and PVEVMUser had none of them.
 */
export function rolePrivilegesIn(release: PveRelease, privs: readonly string[]): string[] {
  if (release.guestAgentPrivileges) return [...privs];
  const hadMonitor = privs.some((p) =>
    p.startsWith("VM.GuestAgent.") && p !== "VM.GuestAgent.Audit"
  );
  const kept = privs.filter((p) => !p.startsWith("VM.GuestAgent."));
  return hadMonitor ? [...kept, "VM.Monitor"].sort() : kept;
}

/** An error body as `release` sends it: before 8.3 without `message` (status line only). */
export function errorBodyIn(release: PveRelease, status: number, body: string): string {
  if (release.errorInBody || status < 400 || !body) return body;
  try {
    const doc = JSON.parse(body);
    if (!doc || typeof doc !== "object" || !("message" in doc)) return body;
    delete doc.message;
    return JSON.stringify(doc);
  } catch {
    return body;
  }
}
