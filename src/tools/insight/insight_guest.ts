/**
 * `get_guest_ips`: a guest's interfaces and addresses, from the QEMU guest
 * agent (`agent/network-get-interfaces`) for VMs or from `lxc/{vmid}/interfaces`
 * for containers. Cost: 2 requests.
 *
 * @module
 */

import { z } from "zod/v4";
import { defineTool, READ_ONLY } from "../../core/tool.ts";
import { nodeName, vmid } from "../schemas.ts";
import { findGuest } from "./insight_common.ts";
import { agentReplyError, asArray, asNumber, asObject, asString } from "../../proxmox/lenient.ts";
import { PveError } from "../../proxmox/errors.ts";
import { formatGuestIps } from "../../format/insight.ts";

const Iface = z.object({
  name: z.string(),
  mac: z.string().nullable(),
  ipv4: z.array(z.string()).describe("address/prefix"),
  ipv6: z.array(z.string()).describe("address/prefix"),
});
type Iface = z.infer<typeof Iface>;

/** Interfaces from the agent's answer (`{result: [...]}`) or the container listing. */
export function parseInterfaces(raw: unknown): Iface[] {
  const list = Array.isArray(raw)
    ? raw
    : Array.isArray((raw as { result?: unknown })?.result)
    ? (raw as { result: unknown[] }).result
    : [];
  return asArray(list, "interfaces").map((r) => {
    const v4: string[] = [];
    const v6: string[] = [];
    for (const a of Array.isArray(r["ip-addresses"]) ? r["ip-addresses"] : []) {
      const o = a as Record<string, unknown>;
      const ip = asString(o["ip-address"]);
      if (!ip) continue;
      const cidr = `${ip}/${asNumber(o.prefix) ?? (ip.includes(":") ? 128 : 32)}`;
      (o["ip-address-type"] === "ipv6" || ip.includes(":") ? v6 : v4).push(cidr);
    }
    // The container listing carries inet/inet6 (CIDR strings) instead of ip-addresses.
    const inet = asString(r.inet);
    const inet6 = asString(r.inet6);
    if (inet && !v4.includes(inet)) v4.push(inet);
    if (inet6 && !v6.includes(inet6)) v6.push(inet6);
    return {
      name: asString(r.name) ?? "?",
      mac: asString(r["hardware-address"]) ?? asString(r.hwaddr) ?? null,
      ipv4: v4,
      ipv6: v6,
    };
  });
}

/** `get_guest_ips`. */
export const getGuestIps = defineTool({
  name: "get_guest_ips",
  privileges: ["VM.Audit", "VM.GuestAgent.Audit"],
  title: "Guest IP addresses",
  description: "IP addresses of a running guest: VMs through the QEMU guest agent, containers " +
    "through PVE.",
  toolset: "insight",
  annotations: READ_ONLY,
  input: { node: nodeName.optional(), vmid },
  output: {
    vmid: z.number().int(),
    node: z.string(),
    type: z.enum(["qemu", "lxc"]),
    source: z.string().describe("API request the addresses came from"),
    interfaces: z.array(Iface),
    addresses: z.array(z.string()).describe("Non-loopback addresses without prefix"),
  },
  async run({ node: given, vmid }, ctx) {
    const g = await findGuest(ctx, given, vmid);
    const node = g.node;
    const kind = g.type === "lxc" ? "CT" : "VM";
    if (g.status !== "running") {
      throw new PveError(
        "bad-request",
        `${kind} ${vmid} is ${g.status}: addresses are only known while it runs ` +
          `(start it with '${g.type === "lxc" ? "pct" : "qm"} start ${vmid}').`,
      );
    }
    let raw: unknown;
    const template = g.type === "lxc"
      ? "/nodes/{node}/lxc/{vmid}/interfaces"
      : "/nodes/{node}/qemu/{vmid}/agent/network-get-interfaces";
    try {
      raw = await ctx.pve.get(template, { node, vmid });
    } catch (e) {
      if (e instanceof PveError && e.kind === "server" && /agent/i.test(e.message)) {
        throw new PveError(
          "server",
          `${e.message} Enable the agent ('qm set ${vmid} --agent enabled=1', then restart the ` +
            "VM) and run qemu-guest-agent inside the guest.",
          e.details,
        );
      }
      throw e;
    }
    const refused = g.type === "qemu" ? agentReplyError(raw) : undefined;
    if (refused) {
      // QMP's error shape inside a 200: the agent runs but cannot list interfaces.
      throw new PveError(
        "server",
        `The guest agent of VM ${vmid} answered an error to network-get-interfaces ` +
          `(${refused}): its addresses are unknown, not absent. Update qemu-guest-agent in the ` +
          "guest, or read the addresses from inside it.",
      );
    }
    const interfaces = parseInterfaces(g.type === "qemu" ? asObject(raw, "agent answer") : raw);
    const addresses = interfaces.filter((i) => i.name !== "lo")
      .flatMap((i) => [...i.ipv4, ...i.ipv6])
      .map((c) => c.split("/")[0])
      .filter((ip) => ip !== "127.0.0.1" && ip !== "::1");
    const structured = {
      vmid,
      node,
      type: g.type,
      source: `GET ${template.replace("{node}", node).replace("{vmid}", String(vmid))}`,
      interfaces,
      addresses,
    };
    return { structured, text: formatGuestIps(structured) };
  },
});
