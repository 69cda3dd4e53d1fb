/**
 * Guest insight endpoints: RRD, firewall options/rules, the guest agent's
 * `network-get-interfaces` and the container `interfaces` listing, with
 * PVE's own error texts when the guest or its agent cannot answer.
 *
 * @module
 */

import { guestAt, PveError, type RouteTable } from "../routing.ts";
import type { GuestModel } from "../state.ts";
import { guestRrd, insightOf } from "../insight_model.ts";

/** The address the simulator gives a guest's first NIC. */
export function guestIp(vmid: number): string {
  return `10.0.${Math.floor(vmid / 250) % 256}.${(vmid % 250) + 2}`;
}

function macOf(g: GuestModel): string {
  const m = /([0-9A-F]{2}(:[0-9A-F]{2}){5})/i.exec(String(g.config.net0 ?? ""));
  return (m ? m[1] : "BC:24:11:00:00:00").toLowerCase();
}

const v6 = (g: GuestModel) => `fe80::be24:11ff:fe${(g.vmid % 256).toString(16).padStart(2, "0")}:1`;

function firewall(g: GuestModel, state: Parameters<typeof insightOf>[0]) {
  // PVE answers {} for a guest without a firewall config (enable then defaults to 0).
  return { ...(insightOf(state).guestFirewall.get(g.vmid) ?? {}) };
}

/** Routes of this family. */
export const INSIGHT_GUEST_ROUTES: RouteTable = {
  "GET /nodes/{node}/qemu/{vmid}/rrddata": (ctx) =>
    guestRrd(ctx.state, guestAt(ctx, "qemu"), String(ctx.params.timeframe)),
  "GET /nodes/{node}/lxc/{vmid}/rrddata": (ctx) =>
    guestRrd(ctx.state, guestAt(ctx, "lxc"), String(ctx.params.timeframe)),
  "GET /nodes/{node}/qemu/{vmid}/firewall/options": (ctx) =>
    firewall(guestAt(ctx, "qemu"), ctx.state),
  "GET /nodes/{node}/lxc/{vmid}/firewall/options": (ctx) =>
    firewall(guestAt(ctx, "lxc"), ctx.state),
  "GET /nodes/{node}/qemu/{vmid}/firewall/rules": (ctx) => {
    guestAt(ctx, "qemu");
    return [];
  },
  "GET /nodes/{node}/lxc/{vmid}/firewall/rules": (ctx) => {
    guestAt(ctx, "lxc");
    return [];
  },

  "GET /nodes/{node}/qemu/{vmid}/agent/network-get-interfaces": (ctx) => {
    const g = guestAt(ctx, "qemu");
    if (g.status === "stopped") throw new PveError(500, `VM ${g.vmid} is not running`);
    if (!g.agent?.enabled) throw new PveError(500, "No QEMU guest agent configured");
    if (!g.agent.running || g.status === "paused") {
      throw new PveError(500, "QEMU guest agent is not running");
    }
    const win = g.agent.os === "windows";
    return {
      result: [
        {
          name: win ? "Loopback Pseudo-Interface 1" : "lo",
          "hardware-address": "00:00:00:00:00:00",
          "ip-addresses": [
            { "ip-address": "127.0.0.1", "ip-address-type": "ipv4", prefix: 8 },
            { "ip-address": "::1", "ip-address-type": "ipv6", prefix: 128 },
          ],
          statistics: { "rx-bytes": 1024, "tx-bytes": 1024, "rx-packets": 16, "tx-packets": 16 },
        },
        {
          name: win ? "Ethernet" : "eth0",
          "hardware-address": macOf(g),
          "ip-addresses": [
            { "ip-address": guestIp(g.vmid), "ip-address-type": "ipv4", prefix: 24 },
            { "ip-address": v6(g), "ip-address-type": "ipv6", prefix: 64 },
          ],
          statistics: {
            "rx-bytes": g.netin,
            "tx-bytes": g.netout,
            "rx-packets": 0,
            "tx-packets": 0,
          },
        },
      ],
    };
  },

  "GET /nodes/{node}/lxc/{vmid}/interfaces": (ctx) => {
    const g = guestAt(ctx, "lxc");
    if (g.status !== "running") throw new PveError(500, `CT ${g.vmid} not running`);
    return [
      {
        name: "lo",
        hwaddr: "00:00:00:00:00:00",
        "hardware-address": "00:00:00:00:00:00",
        inet: "127.0.0.1/8",
        inet6: "::1/128",
        "ip-addresses": [
          { "ip-address": "127.0.0.1", "ip-address-type": "inet", prefix: 8 },
          { "ip-address": "::1", "ip-address-type": "inet6", prefix: 128 },
        ],
      },
      {
        name: "eth0",
        hwaddr: macOf(g),
        "hardware-address": macOf(g),
        inet: `${guestIp(g.vmid)}/24`,
        inet6: `${v6(g)}/64`,
        "ip-addresses": [
          { "ip-address": guestIp(g.vmid), "ip-address-type": "inet", prefix: 24 },
          { "ip-address": v6(g), "ip-address-type": "inet6", prefix: 64 },
        ],
      },
    ];
  },
};
