/**
 * `check`: connects, prints the PVE version, the token's privileges, and
 * which tools those privileges allow.
 *
 * @module
 */

import { asObject, asString } from "../proxmox/lenient.ts";
import { PveError } from "../proxmox/errors.ts";
import { selectTools } from "../tools/index.ts";
import type { Setup } from "./setup.ts";
import { EXIT } from "./args.ts";
import { allContexts } from "../clusters.ts";
import type { ToolContext } from "../core/context.ts";

/** Privilege name → paths where the token holds it. */
export type PrivilegeMap = Map<string, string[]>;

/** Inverts PVE's `/access/permissions` answer (`path → privilege → propagate`). */
export function privilegesByName(perms: Record<string, Record<string, unknown>>): PrivilegeMap {
  const out: PrivilegeMap = new Map();
  for (const [path, privs] of Object.entries(perms)) {
    for (const priv of Object.keys(privs ?? {})) {
      const list = out.get(priv) ?? [];
      list.push(path);
      out.set(priv, list);
    }
  }
  return out;
}

/** Runs the check on every configured cluster; returns the worst exit code. */
export async function runCheck(s: Setup): Promise<number> {
  const all = allContexts(s.ctx);
  let worst: number = EXIT.OK;
  for (const [i, [name, ctx]] of all.entries()) {
    if (all.length > 1) console.log(`${i ? "\n" : ""}== cluster ${name} ==`);
    const code = await checkCluster(ctx);
    // Unreachable (4) outranks a failed check (1): it is the more urgent thing to fix.
    if (code > worst) worst = code;
  }
  const audit = await checkAudit(s.ctx);
  return audit > worst ? audit : worst;
}

/** The audit trail must be writable: otherwise every change would be refused (fail closed). */
async function checkAudit(ctx: ToolContext): Promise<number> {
  const { file, key_file } = ctx.config.audit;
  if (!file) {
    console.log("\nAudit:   none (audit.file unset): changes are logged, not recorded in a trail");
    return EXIT.OK;
  }
  try {
    await ctx.audit.ready();
  } catch (e) {
    console.error(`\nFAILED: ${ctx.redactor.redact((e as Error).message)}`);
    return EXIT.FAILED;
  }
  console.log(
    `\nAudit:   ${file} (writable; ${
      key_file ? `HMAC key ${key_file}` : "NOT keyed: set audit.key_file so it cannot be rewritten"
    })`,
  );
  return EXIT.OK;
}

async function checkCluster(ctx: ToolContext): Promise<number> {
  const s = { ctx };
  const { pve, config } = s.ctx;
  const out = (line: string) => console.log(s.ctx.redactor.redact(line));
  out(
    `Cluster: ${config.proxmox.host}:${config.proxmox.port} (TLS verification ${
      config.proxmox.verify_ssl ? "on" : "OFF"
    }${config.proxmox.ca_file ? `, CA ${config.proxmox.ca_file}` : ""})`,
  );
  out(`Token:   ${pve.tokenId}`);
  let perms: Record<string, Record<string, unknown>>;
  try {
    const version = asObject(await pve.get("/version"), "GET /version");
    out(
      `PVE:     ${asString(version.version) ?? "?"} (release ${asString(version.release) ?? "?"})`,
    );
    perms = asObject(await pve.get("/access/permissions"), "GET /access/permissions") as Record<
      string,
      Record<string, unknown>
    >;
  } catch (e) {
    console.error(`FAILED: ${s.ctx.redactor.redact((e as Error).message)}`);
    const unreachable = e instanceof PveError &&
      ["auth", "network", "tls", "timeout"].includes(e.kind);
    return unreachable ? EXIT.UNREACHABLE : EXIT.FAILED;
  }
  const byName = privilegesByName(perms);
  out(`\nPrivileges (${byName.size}):`);
  for (const [priv, paths] of [...byName].sort(([a], [b]) => a.localeCompare(b))) {
    out(`  ${priv.padEnd(28)} ${paths.sort().join(", ")}`);
  }
  const tools = selectTools(config);
  const usableTool = (t: (typeof tools)[number]) =>
    t.privileges.length === 0 || t.privileges.some((p) => byName.has(p));
  out("\nToolsets:");
  out(`  ${"toolset".padEnd(14)} ${"usable".padEnd(8)} missing privileges`);
  for (const set of new Set(tools.map((t) => t.toolset))) {
    const members = tools.filter((t) => t.toolset === set);
    const blocked = members.filter((t) => !usableTool(t));
    const missing = [...new Set(blocked.map((t) => t.privileges.join(" or ")))];
    out(
      `  ${set.padEnd(14)} ${`${members.length - blocked.length}/${members.length}`.padEnd(8)} ${
        missing.length ? `${missing.join("; ")} (${blocked.map((t) => t.name).join(", ")})` : "-"
      }`,
    );
  }
  const usable = tools.filter(usableTool).length;
  out(`\n${usable} of ${tools.length} tools usable with this token.`);
  return EXIT.OK;
}
