/**
 * The reads behind `analyze_security_posture` (see collect.ts for the others).
 *
 * @example
 * ```ts ignore
 * const data = await gatherSecurity(new Probe(ctx.pve), ctx, ctx.pve.tokenId, thresholds);
 * ```
 *
 * @module
 */

import type { ToolContext } from "../core/context.ts";
import { asNumber, guestVmid } from "../proxmox/lenient.ts";
import { mapLimit, type Probe } from "./fetch.ts";
import { hasPriv, type PermissionMap, type SecurityData } from "./security.ts";
import { guestsOf, type Row } from "./common.ts";
import type { Thresholds } from "./thresholds.ts";
import { obj, resources, rows } from "./collect.ts";

/**
 * Cost: permissions (1-2), cluster firewall, `/cluster/resources`, then per online node its
 * firewall options and (with Sys.Modify) its pending updates, and firewall options of up to
 * `max_firewall_guests` guests.
 */
export async function gatherSecurity(
  probe: Probe,
  ctx: Pick<ToolContext, "config">,
  tokenId: string,
  t: Thresholds,
): Promise<SecurityData> {
  const user = ctx.config.auth.user;
  const [permsRaw, fw, res] = await Promise.all([
    probe.get("token.privileges", "/access/permissions"),
    probe.get("firewall.cluster", "/cluster/firewall/options"),
    resources(probe, "firewall.guest"),
  ]);
  const perms = obj(permsRaw) as PermissionMap | undefined;
  let userPerms: PermissionMap | undefined;
  if (perms && hasPriv(perms, "/access", "Sys.Audit")) {
    userPerms = obj(
      await probe.get("token.privsep", "/access/permissions", { userid: user }),
    ) as PermissionMap | undefined;
  } else if (perms) {
    probe.skip(
      "token.privsep",
      "not checked: missing privilege Sys.Audit on /access (needed to compare the token with its user)",
      "Sys.Audit",
      "/access",
    );
  }
  const online = res.filter((r) => r.type === "node" && r.status === "online")
    .map((r) => String(r.node));
  const nodeFw = await mapLimit(
    online,
    8,
    (node) => probe.get("firewall.node", "/nodes/{node}/firewall/options", { node }),
  );
  const aptNodes = perms ? online.filter((n) => hasPriv(perms, `/nodes/${n}`, "Sys.Modify")) : [];
  const noApt = online.filter((n) => !aptNodes.includes(n));
  if (noApt.length) {
    probe.skip(
      "node.updates",
      `not checked: missing privilege Sys.Modify on /nodes/${noApt[0]}` +
        (noApt.length > 1 ? ` (and ${noApt.length - 1} more node(s))` : "") +
        " (PVE needs it to list pending updates)",
      "Sys.Modify",
      `/nodes/${noApt[0]}`,
    );
  }
  const apt = await mapLimit(
    aptNodes,
    8,
    (node) => probe.get("node.updates", "/nodes/{node}/apt/update", { node }),
  );
  const guests = guestsOf(res).filter((g) =>
    asNumber(g.template) !== 1 && online.includes(String(g.node))
  ).sort((a, b) => (guestVmid(a) ?? 0) - (guestVmid(b) ?? 0));
  const picked = guests.slice(0, t.max_firewall_guests);
  if (guests.length > picked.length) {
    probe.skip(
      "firewall.guest",
      `not checked: ${guests.length - picked.length} guest(s) beyond ` +
        `diagnostics.max_firewall_guests (${t.max_firewall_guests})`,
    );
  }
  const gfw = await mapLimit(
    picked,
    8,
    (g) =>
      probe.get(
        "firewall.guest",
        `/nodes/{node}/${g.type === "lxc" ? "lxc" : "qemu"}/{vmid}/firewall/options`,
        {
          node: String(g.node),
          vmid: guestVmid(g),
        },
      ),
  );
  const guestFirewall = new Map<string, Row>();
  picked.forEach((g, i) => {
    const o = obj(gfw[i]);
    if (o) guestFirewall.set(`${g.type === "lxc" ? "ct" : "vm"}:${g.vmid}`, o);
  });
  return {
    tokenId,
    user,
    perms,
    userPerms,
    clusterFirewall: obj(fw),
    nodeFirewall: Object.fromEntries(online.map((n, i) => [n, obj(nodeFw[i])])),
    guestFirewall,
    apt: Object.fromEntries(
      aptNodes.map((n, i) => [n, rows(apt[i])]).filter(([, r]) => r),
    ) as Record<string, Row[]>,
    verifySsl: ctx.config.proxmox.verify_ssl,
    console: (ctx.config as unknown as Record<string, unknown>).console,
  };
}
