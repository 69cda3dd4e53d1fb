/**
 * The cluster's PVE version, read once per client from `GET /version` (open
 * to every token, cheap), and the API facts that depend on it. Read lazily,
 * on first need (the permission watcher asks after the MCP handshake), never
 * at start-up; a failed read is retried on the next need.
 *
 * @example
 * ```ts
 * import { atLeast, parsePveVersion, privilegesFor } from "./version.ts";
 * const v = parsePveVersion("8.4-1");
 * console.log(v?.major, v?.minor, atLeast(v, 9, 0)); // 8 4 false
 * console.log(privilegesFor(["VM.GuestAgent.Audit"], v)); // ["VM.Monitor"]
 * ```
 *
 * @module
 */

import type { PveClient } from "./client.ts";

/** A PVE release as `/version` reports it ("9.1.3", "8.4-1", "7.4-16", "6.2"). */
export interface PveVersion {
  major: number;
  minor: number;
  text: string;
}

/** Parses PVE's `version` (or `release`) field; `undefined` for anything else. */
export function parsePveVersion(v: unknown): PveVersion | undefined {
  const m = typeof v === "string" ? /^(\d+)\.(\d+)/.exec(v.trim()) : null;
  return m ? { major: Number(m[1]), minor: Number(m[2]), text: v as string } : undefined;
}

/** Whether `v` is at least `major.minor`; `undefined` when the version is not known. */
export function atLeast(
  v: PveVersion | undefined,
  major: number,
  minor: number,
): boolean | undefined {
  if (!v) return undefined;
  return v.major > major || (v.major === major && v.minor >= minor);
}

/**
 * PVE 9.0 dropped `VM.Monitor` and split its guest agent part into `VM.GuestAgent.Audit`,
 * `.FileRead`, `.FileWrite`, `.FileSystemMgmt` and `.Unrestricted` (pve-devel, "replace
 * ambiguously named VM.Monitor privilege", F. Ebner, 2025-07-17:
 * https://lists.proxmox.com/pipermail/pve-devel/2025-July/073216.html; shipped in 9.0, with a
 * pve8to9 check). Before 9.0 every agent endpoint checks `VM.Monitor`.
 */
export const GUEST_AGENT_PRIVILEGES_FROM = { major: 9, minor: 0 } as const;

/**
 * `GET /pools?poolid=` (with members, nested pools) appeared in PVE 8.1; before it, a pool's
 * members come only from `GET /pools/{poolid}` (which the 9.x schema still has, marked
 * deprecated: "no support for nested pools, use 'GET /pools/?poolid={poolid}'").
 */
export const POOL_QUERY_FROM = { major: 8, minor: 1 } as const;

/**
 * The privileges a schema check names (written for PVE 9.1) as the cluster's release spells
 * them. With the version unknown, both spellings are accepted (PVE itself decides).
 */
export function privilegesFor(privs: readonly string[], v: PveVersion | undefined): string[] {
  const modern = atLeast(v, GUEST_AGENT_PRIVILEGES_FROM.major, GUEST_AGENT_PRIVILEGES_FROM.minor);
  if (modern === true) return [...privs];
  const out: string[] = [];
  for (const p of privs) {
    const mapped = p.startsWith("VM.GuestAgent.") ? "VM.Monitor" : p;
    if (modern === undefined && mapped !== p) out.push(p);
    if (!out.includes(mapped)) out.push(mapped);
  }
  return out;
}

const probes = new WeakMap<
  PveClient,
  { value?: PveVersion; pending?: Promise<PveVersion | undefined> }
>();

/** The version of the cluster behind `pve`: one `GET /version` per client, then cached. */
export function pveVersion(pve: PveClient): Promise<PveVersion | undefined> {
  let p = probes.get(pve);
  if (!p) probes.set(pve, p = {});
  if (p.value) return Promise.resolve(p.value);
  const probe = p;
  probe.pending ??= pve.get<Record<string, unknown>>("/version").then(
    (d) => (probe.value = parsePveVersion(d?.version) ?? parsePveVersion(d?.release)),
    () => undefined,
  ).finally(() => (probe.pending = undefined));
  return probe.pending;
}

/** The version if already read (no request). */
export function knownPveVersion(pve: PveClient): PveVersion | undefined {
  return probes.get(pve)?.value;
}
