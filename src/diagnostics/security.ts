/**
 * `analyze_security_posture` as a pure function: the token's own privileges,
 * firewall options, pending package updates and our own configuration in;
 * findings out.
 *
 * @example
 * ```ts
 * import { analyzeSecurity } from "./security.ts";
 * import { DEFAULT_THRESHOLDS } from "./thresholds.ts";
 * const r = analyzeSecurity({ tokenId: "root@pam!mcp", user: "root@pam", verifySsl: true,
 *   nodeFirewall: {}, guestFirewall: new Map(), apt: {} }, DEFAULT_THRESHOLDS);
 * console.log(r.findings[0].id); // "token.root"
 * ```
 *
 * @module
 */

import { asNumber, asString } from "../proxmox/lenient.ts";
import { type Finding, finding } from "./types.ts";
import type { Thresholds } from "./thresholds.ts";
import type { Row } from "./common.ts";

/** `GET /access/permissions`: path → privilege → propagate (0/1). */
export type PermissionMap = Record<string, Record<string, number>>;

/** What the security check reads; `undefined` = not readable. */
export interface SecurityData {
  tokenId: string;
  user: string;
  perms?: PermissionMap;
  /** The token's user's own permissions (needs Sys.Audit on /access). */
  userPerms?: PermissionMap;
  clusterFirewall?: Row;
  nodeFirewall: Record<string, Row | undefined>;
  /** Firewall options per checked guest, keyed `vm:100` / `ct:200`. */
  guestFirewall: Map<string, Row>;
  /** Pending updates per node that could be read. */
  apt: Record<string, Row[]>;
  verifySsl: boolean;
  /** The `console` config section, if any (shape read defensively). */
  console?: unknown;
}

/** Privileges that let a token grant itself anything. */
const ESCALATION = [
  "Permissions.Modify",
  "User.Modify",
  "Realm.Allocate",
  "Realm.AllocateUser",
  "Group.Allocate",
];
/** Privileges with node-level control an assistant rarely needs. */
const NODE_CONTROL = ["Sys.Modify", "Sys.Console", "Sys.PowerMgmt"];

/** Whether `perms` grants `priv` on `path` (directly, or propagated from an ancestor). */
export function hasPriv(perms: PermissionMap, path: string, priv: string): boolean {
  if (perms[path]?.[priv] !== undefined) return true;
  for (let p = path; p !== "/";) {
    p = p.slice(0, p.lastIndexOf("/")) || "/";
    if (perms[p]?.[priv] === 1) return true;
  }
  return false;
}

function same(a: PermissionMap, b: PermissionMap): boolean {
  const norm = (m: PermissionMap) =>
    JSON.stringify(
      Object.keys(m).sort().map((k) => [k, Object.keys(m[k]).sort().map((p) => [p, m[k][p]])]),
    );
  return norm(a) === norm(b);
}

/** Findings of the security check, plus the check ids that ran. */
export function analyzeSecurity(d: SecurityData, _t: Thresholds) {
  const out: Finding[] = [];
  const checks: string[] = ["token.root", "config.tls"];
  const tokenRes = { type: "token" as const, id: d.tokenId };
  if (d.user === "root@pam") {
    out.push(finding({
      id: "token.root",
      severity: "critical",
      resource: tokenRes,
      summary: `The server uses a token of root@pam, the unrestricted superuser`,
      source: "config auth.user",
      values: { user: d.user },
      recommendation: "Create a dedicated user and token with only the roles needed: " +
        "'pveum user add mcp@pve', 'pveum user token add mcp@pve mcp --privsep 1', " +
        "'pveum acl modify / --tokens mcp@pve!mcp --roles PVEAuditor'.",
    }));
  }
  if (d.perms) {
    checks.push("token.privileges");
    out.push(...privileges(d.perms, tokenRes));
  }
  if (d.perms && d.userPerms) {
    checks.push("token.privsep");
    if (!d.user.startsWith("root@") && Object.keys(d.perms).length && same(d.perms, d.userPerms)) {
      out.push(finding({
        id: "token.privsep.off",
        severity: "warning",
        resource: tokenRes,
        summary: "The token holds exactly its user's privileges: privilege separation is off, " +
          "or its ACL is as wide as the user's",
        source: `GET /access/permissions, GET /access/permissions?userid=${d.user}`,
        values: { token_paths: Object.keys(d.perms).length, identical_to_user: true },
        recommendation: `Give the token its own, smaller ACL: 'pveum user token modify ${d.user} ` +
          `${d.tokenId.split("!")[1]} --privsep 1', then 'pveum acl modify PATH --tokens ` +
          `${d.tokenId} --roles ROLE'.`,
      }));
    }
  }
  if (!d.verifySsl) {
    out.push(finding({
      id: "config.tls.verify_off",
      severity: "warning",
      resource: { type: "config", id: "proxmox.verify_ssl" },
      summary: "This server does not verify the PVE certificate (verify_ssl: false)",
      source: "config proxmox.verify_ssl",
      values: { verify_ssl: false },
      recommendation: "Copy /etc/pve/pve-root-ca.pem from a node, set proxmox.ca_file to it and " +
        "proxmox.verify_ssl: true, so the API token cannot be intercepted.",
    }));
  }
  if (d.clusterFirewall) {
    checks.push("firewall.cluster");
    const on = asNumber(d.clusterFirewall.enable) === 1;
    if (!on) {
      out.push(finding({
        id: "firewall.cluster.disabled",
        severity: "warning",
        resource: { type: "cluster", id: "cluster" },
        summary: "The cluster firewall is disabled: no node or guest rule is enforced",
        source: "GET /cluster/firewall/options",
        values: { enable: false, policy_in: asString(d.clusterFirewall.policy_in) ?? null },
        recommendation: "First allow 8006 and 22 from the admin network (Datacenter > Firewall > " +
          "Add), then enable it: 'pvesh set /cluster/firewall/options --enable 1'.",
      }));
    }
  }
  const nodes = Object.entries(d.nodeFirewall).filter(([, o]) => o);
  if (nodes.length) checks.push("firewall.node");
  for (const [node, o] of nodes) {
    // `enable` defaults to 1 on nodes: only an explicit 0 turns it off.
    if (asNumber(o!.enable) === 0) {
      out.push(finding({
        id: "firewall.node.disabled",
        severity: "warning",
        resource: { type: "node", id: node },
        summary: `The firewall is disabled on node ${node}`,
        source: `GET /nodes/${node}/firewall/options`,
        values: { enable: false },
        recommendation: `'pvesh set /nodes/${node}/firewall/options --enable 1' ` +
          `(GUI: ${node} > Firewall > Options).`,
      }));
    }
  }
  if (d.guestFirewall.size) {
    checks.push("firewall.guest");
    const off = [...d.guestFirewall].filter(([, o]) => asNumber(o.enable) !== 1).map(([k]) => k)
      .sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
    if (off.length) {
      out.push(finding({
        id: "firewall.guest.disabled",
        severity: "warning",
        resource: { type: "cluster", id: "guests" },
        summary: `${off.length} of ${d.guestFirewall.size} checked guest(s) have their firewall ` +
          `disabled: ${off.slice(0, 20).join(", ")}${off.length > 20 ? ", ..." : ""}`,
        source: "GET /nodes/{node}/{qemu|lxc}/{vmid}/firewall/options",
        values: {
          guests_checked: d.guestFirewall.size,
          guests_without_firewall: off.length,
          guests: off,
        },
        recommendation: `Enable per guest: 'pvesh set /nodes/NODE/qemu/VMID/firewall/options ` +
          `--enable 1' (GUI: guest > Firewall > Options), and 'firewall=1' on its network devices.`,
      }));
    }
  }
  const aptNodes = Object.keys(d.apt);
  if (aptNodes.length) checks.push("node.updates");
  for (const node of aptNodes.sort()) {
    const pkgs = d.apt[node];
    if (!pkgs.length) continue;
    const security = pkgs.filter((p) => /security/i.test(`${p.Origin ?? ""} ${p.Section ?? ""}`));
    out.push(finding({
      id: "node.updates.pending",
      severity: security.length ? "warning" : "info",
      resource: { type: "node", id: node },
      summary: `Node ${node} has ${pkgs.length} package update(s) pending` +
        (security.length ? `, ${security.length} from security repositories` : ""),
      source: `GET /nodes/${node}/apt/update`,
      values: {
        updates: pkgs.length,
        security_updates: security.length,
        packages: pkgs.slice(0, 20).map((p) =>
          `${p.Package} ${p.OldVersion ?? "?"} -> ${p.Version}`
        ),
      },
      recommendation: `Update ${node} in a maintenance window: migrate guests away, then ` +
        `'apt update && apt full-upgrade' (GUI: ${node} > Updates > Upgrade), reboot for a new kernel.`,
    }));
  }
  out.push(...consolePolicy(d.console, checks));
  return { findings: out, checks };
}

function privileges(perms: PermissionMap, res: Finding["resource"]): Finding[] {
  const held = (list: string[]) =>
    Object.entries(perms).flatMap(([path, p]) =>
      list.filter((x) => p[x] !== undefined).map((x) => `${x} on ${path}`)
    );
  const out: Finding[] = [];
  const esc = held(ESCALATION);
  if (esc.length) {
    out.push(finding({
      id: "token.privileges.escalation",
      severity: "critical",
      resource: res,
      summary: "The token may change users or permissions, so it can grant itself anything",
      source: "GET /access/permissions",
      values: { privileges: esc },
      recommendation: "Replace its role (e.g. Administrator) with one that has only what the " +
        "tools need: 'pveum role add MCPOperator --privs \"VM.Audit,VM.PowerMgmt,Sys.Audit," +
        "Datastore.Audit\"' and 'pveum acl modify / --tokens TOKEN --roles MCPOperator'.",
    }));
  }
  const sys = held(NODE_CONTROL);
  if (sys.length) {
    out.push(finding({
      id: "token.privileges.node_control",
      severity: "warning",
      resource: res,
      summary: "The token holds node-level control privileges (system settings, shell, power)",
      source: "GET /access/permissions",
      values: { privileges: sys },
      recommendation: "Drop Sys.Modify/Sys.Console/Sys.PowerMgmt unless a tool needs them " +
        "(only reading node updates needs Sys.Modify): use PVEAuditor plus PVEVMUser instead.",
    }));
  }
  return out;
}

function consolePolicy(section: unknown, checks: string[]): Finding[] {
  if (!section || typeof section !== "object") return [];
  checks.push("config.console");
  const c = section as Record<string, unknown>;
  if (c.enabled !== true) return [];
  const loose: string[] = [];
  if (c.allow_shell === true) loose.push("allow_shell is true (any shell command)");
  if (Array.isArray(c.allow) && c.allow.some((a) => a === "*" || a === "**")) {
    loose.push('allow contains "*" (every program that has a grammar)');
  }
  if (Array.isArray(c.deny) && c.deny.length === 0) loose.push("deny is empty");
  // arg_rules: false is refused when the configuration loads (every program has a grammar).
  const scoped = (Array.isArray(c.vmids) && c.vmids.length) ||
    (Array.isArray(c.tags) && c.tags.length);
  if (!loose.length && scoped) return [];
  return [finding({
    id: loose.length ? "config.console.loose" : "config.console.unscoped",
    severity: loose.length ? "warning" : "info",
    resource: { type: "config", id: "console" },
    summary: loose.length
      ? `The command console policy is loose: ${loose.join("; ")}`
      : "The command console is enabled for every VM (no vmids/tags scope)",
    source: "config console",
    values: { issues: loose, scoped: !!scoped },
    recommendation: "Keep console.allow to read-only programs, allow_shell false, the default " +
      "deny list, and limit it with console.vmids or console.tags.",
  })];
}
