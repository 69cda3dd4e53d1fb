/**
 * Shared pieces of the replay tests: a tool context pointed at a replay
 * server, a call helper that also checks the answer's shape, and readers of
 * the fixture's own figures (so assertions compare against what PVE said).
 *
 * @module
 */

import { z } from "zod/v4";
import { validateConfig } from "../../src/config/load.ts";
import { createContext } from "../../src/runtime.ts";
import type { ToolContext } from "../../src/core/context.ts";
import { ALL_TOOLS } from "../../src/tools/index.ts";
import { invokeTool, parseArgs, type ToolResult } from "../../src/tools/invoke.ts";
import type { ReplayFixture, ReplayServer } from "../support/replay_server.ts";

/** Every fixture set in ../shared/pve/replay (its README says where each comes from). */
export const REPLAY_FIXTURES = [
  "go-proxmox-pve7.json",
  "go-proxmox-pve8.json",
  "go-proxmox-pve9.json",
  "pve-exporter-cluster-pve9.json",
  "pve-exporter-standalone-pve9.json",
  "ansible-proxmox-pve6.json",
] as const;

/** A context for `srv`, privileges and PVE version read as after an MCP handshake. */
export async function replayContext(srv: ReplayServer): Promise<ToolContext> {
  const config = validateConfig({
    proxmox: { host: srv.hostname, port: srv.port, verify_ssl: true, ca_file: srv.caFile },
    auth: {
      user: "replay@pve",
      token_name: "replay",
      token_value: "0f9e8d7c-6b5a-4321-8fed-cba987654321",
    },
    logging: { level: "ERROR" },
    cache: { enabled: false },
    console: { enabled: true },
  });
  const ctx = await createContext(config, { stderr: false });
  await ctx.permissions?.ensureFresh();
  return ctx;
}

/** Text that betrays a crash or a figure nobody computed. */
const BROKEN =
  /TypeError|ReferenceError|Cannot read|is not a function|\bNaN\b|\[object Object\]|\bundefined\b|Infinity/;

/** Calls a tool in-process; checks the text is sane and the structured answer fits the schema. */
export async function callTool(
  ctx: ToolContext,
  name: string,
  args: Record<string, unknown> = {},
): Promise<ToolResult & { structured: Record<string, unknown> }> {
  const tool = ALL_TOOLS.find((t) => t.name === name);
  if (!tool) throw new Error(`no tool ${name}`);
  let parsed: Record<string, unknown>;
  try {
    parsed = parseArgs(tool, args);
  } catch (e) {
    throw new Error(`${name} ${JSON.stringify(args)}: ${(e as Error).message}`);
  }
  const r = await invokeTool(tool, parsed, ctx);
  const text = r.content.map((c) => c.text).join("\n");
  if (BROKEN.test(text)) throw new Error(`${name} ${JSON.stringify(args)} answered: ${text}`);
  if (r.isError) {
    if (text.length < 20) throw new Error(`${name}: unclear error "${text}"`);
  } else {
    const parsed = z.object(tool.output).safeParse(r.structuredContent);
    if (!parsed.success) {
      throw new Error(`${name}: output breaks its schema: ${parsed.error.message.slice(0, 400)}`);
    }
  }
  return { ...r, structured: r.structuredContent ?? {} };
}

/** The `data` of a fixture entry (undefined when absent). */
export function fixtureData(fx: ReplayFixture, key: string): unknown {
  return (fx.entries.get(key)?.body as { data?: unknown } | undefined)?.data;
}

/** Guest rows as the fixture lists them (the `type=vm` answer, else the whole resource list). */
export function fixtureGuests(fx: ReplayFixture): Array<Record<string, unknown>> {
  const rows = (fixtureData(fx, "GET /cluster/resources?type=vm") ??
    fixtureData(fx, "GET /cluster/resources") ?? []) as Array<Record<string, unknown>>;
  return rows.filter((r) => fixtureKind(r) !== undefined);
}

/** A row's guest kind: its `type`, else its `id`'s prefix (`lxc/101`); undefined for non-guests. */
export function fixtureKind(r: Record<string, unknown>): "qemu" | "lxc" | undefined {
  const t = r.type ?? String(r.id ?? "").split("/")[0];
  return t === "qemu" || t === "lxc" ? t : undefined;
}

/** The VMID a fixture row stands for, read independently of the code under test. */
export function fixtureVmid(r: Record<string, unknown>): number {
  if (r.vmid !== undefined) return Number(r.vmid);
  return Number(String(r.id).split("/")[1]);
}

/** Every UPID the fixture knows a status for. */
export function fixtureUpids(fx: ReplayFixture): string[] {
  return [...fx.entries.keys()].map((k) =>
    /^GET \/nodes\/[^/]+\/tasks\/(UPID:[^/]+)\/status$/.exec(k)
  )
    .filter((m): m is RegExpExecArray => !!m).map((m) => m[1]);
}
