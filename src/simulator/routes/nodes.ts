/**
 * `/nodes`, `/nodes/{node}/status` and `/nodes/{node}/version`.
 *
 * @module
 */

import type { RouteTable } from "../routing.ts";
import { nodeOrThrow } from "../views.ts";

/** Routes of this family. */
export const NODE_ROUTES: RouteTable = {
  // Open to all; offline nodes carry no live statistics.
  "GET /nodes": ({ state }) =>
    [...state.nodes.values()].map((n) =>
      n.online
        ? {
          node: n.name,
          id: `node/${n.name}`,
          type: "node",
          status: "online",
          cpu: n.cpu,
          maxcpu: n.maxcpu,
          mem: n.mem,
          maxmem: n.maxmem,
          disk: n.rootfs.used,
          maxdisk: n.rootfs.total,
          uptime: n.uptime,
          level: n.level,
          ssl_fingerprint: n.sslFingerprint,
        }
        : {
          node: n.name,
          id: `node/${n.name}`,
          type: "node",
          status: "offline",
          level: n.level,
          ssl_fingerprint: n.sslFingerprint,
        }
    ),

  "GET /nodes/{node}/status": ({ state, pathParams }) => {
    const n = nodeOrThrow(state, pathParams.node);
    const freeMem = n.maxmem - n.mem;
    return {
      cpu: n.cpu,
      wait: 0.0012,
      idle: 0,
      cpuinfo: {
        ...n.cpuinfo,
        hvm: "1",
        user_hz: 100,
        flags: "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr",
      },
      loadavg: n.loadavg,
      memory: {
        total: n.maxmem,
        used: n.mem,
        free: freeMem,
        available: Math.round(freeMem * 0.97),
      },
      swap: { total: n.swap.total, used: n.swap.used, free: n.swap.total - n.swap.used },
      rootfs: {
        total: n.rootfs.total,
        used: n.rootfs.used,
        free: n.rootfs.total - n.rootfs.used,
        avail: Math.round((n.rootfs.total - n.rootfs.used) * 0.95),
      },
      ksm: { shared: 0 },
      uptime: n.uptime,
      kversion: n.kversion,
      pveversion: n.pveversion,
      "boot-info": n.bootInfo,
      "current-kernel": n.currentKernel,
    };
  },

  "GET /nodes/{node}/version": (ctx) => {
    const { version, release, repoid } = ctx.state.pveRelease;
    return { version, release, repoid };
  },
};
