/**
 * The one-step install files: the MCP Bundle manifest (validated by
 * `@anthropic-ai/mcpb` itself), the MCP registry entry and the release
 * workflow that packs the bundles, each kept in step with deno.json.
 *
 * @module
 */

import { assert, assertEquals, assertRejects } from "../support/assert.ts";
import { REPO_ROOT } from "../support/harness.ts";
import { environmentOf, releaseServerJson } from "../../scripts/release_server_json.ts";
import { ENV_FALLBACKS } from "../../src/config/errors.ts";

/** The validator's version, pinned like everything else the project runs. */
const MCPB = "npm:@anthropic-ai/mcpb@2.1.2";

const readJson = (name: string) => JSON.parse(Deno.readTextFileSync(`${REPO_ROOT}/${name}`));
const deno = readJson("deno.json");
const manifest = readJson("manifest.json");
const server = readJson("server.json");
const workflow = Deno.readTextFileSync(`${REPO_ROOT}/.github/workflows/release.yml`);

/** Runs `mcpb validate` on a manifest copied into a temp dir, outside the project's config. */
async function mcpbValidate(doc: unknown): Promise<{ code: number; out: string } | undefined> {
  const dir = await Deno.makeTempDir({ prefix: "mcpb-" });
  try {
    await Deno.writeTextFile(`${dir}/manifest.json`, JSON.stringify(doc));
    const r = await new Deno.Command(Deno.execPath(), {
      // --no-config --no-lock: the project's frozen deno.lock is neither read nor touched.
      args: ["run", "-A", "--no-config", "--no-lock", MCPB, "validate", "manifest.json"],
      cwd: dir,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const out = new TextDecoder().decode(r.stdout) + new TextDecoder().decode(r.stderr);
    // Fetching the package failed (no registry here): nothing was validated.
    if (!r.success && /failed to load|error sending request|Import '.*' failed/i.test(out)) {
      return undefined;
    }
    return { code: r.code, out };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("manifest.json passes @anthropic-ai/mcpb validate; a broken one does not", async (t) => {
  const good = await mcpbValidate(manifest);
  if (!good) {
    console.warn(`skipped: ${MCPB} cannot be fetched here, manifest.json not validated`);
    return;
  }
  assertEquals(good.code, 0, good.out);
  assert(good.out.includes("validation passes"), good.out);
  await t.step("the validator refuses a manifest without its server", async () => {
    const bad = await mcpbValidate({ ...manifest, server: undefined });
    assert(bad && bad.code !== 0, `a manifest without server passed: ${bad?.out}`);
  });
});

Deno.test("manifest.json: binary server per platform, user_config mapped to the env the server reads", () => {
  assertEquals(manifest.version, deno.version);
  assertEquals(manifest.server.type, "binary");
  assertEquals(manifest.server.mcp_config.command, "${__dirname}/server/proxmox-mcp");
  assertEquals(
    manifest.server.mcp_config.platform_overrides.win32.command,
    "${__dirname}/server/proxmox-mcp.exe",
  );
  assertEquals(manifest.compatibility.platforms.sort(), ["darwin", "linux", "win32"]);
  const uc = manifest.user_config;
  assertEquals(uc.token_secret.sensitive, true);
  for (const [key, option] of Object.entries<Record<string, unknown>>(uc)) {
    // Only the secret is sensitive, and every optional entry has a default: mcpb leaves an
    // unset ${user_config.x} in place literally, which the server would then refuse.
    if (key !== "token_secret") assert(!option.sensitive, `${key} should not be sensitive`);
    assert(option.required === true || option.default !== undefined, `${key}: no default`);
  }
  assertEquals(uc.read_only.type, "boolean");
  assertEquals(uc.read_only.default, true);
  // Every variable the bundle sets is one the configuration loader reads.
  const known = new Set(Object.values(ENV_FALLBACKS));
  for (const name of Object.keys(manifest.server.mcp_config.env)) {
    assert(known.has(name), `manifest.json sets ${name}, which the server does not read`);
  }
  assertEquals(manifest.server.mcp_config.env.PROXMOX_MCP_READ_ONLY, "${user_config.read_only}");
});

Deno.test("server.json: registry name, short description, version equal to deno.json", () => {
  assertEquals(server.version, deno.version);
  assert(/^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/.test(server.name), server.name);
  assert(server.description.length >= 1 && server.description.length <= 100, "1-100 characters");
  assert(String(server.$schema).includes("server.schema.json"));
});

Deno.test("release workflow builds every compile target of deno.json and packs a bundle of each", () => {
  const targets = Object.keys(deno.tasks)
    .filter((k) => k.startsWith("compile:") && k !== "compile:all")
    .map((k) => k.slice("compile:".length));
  assert(targets.length >= 5, `compile targets: ${targets}`);
  const buildMatrix = /matrix:\n\s+target: \[([^\]]+)\]/.exec(workflow)?.[1].split(/,\s*/);
  assertEquals(buildMatrix?.sort(), [...targets].sort(), "build matrix vs compile:* tasks");
  for (const target of targets) {
    assert(
      new RegExp(`- \\{ target: ${target}, platform: (linux|darwin|win32), exe: `).test(workflow),
      `no bundle for ${target}`,
    );
  }
  assert(workflow.includes("run: deno task compile:${{ matrix.target }}"));
  assert(workflow.includes("@anthropic-ai/mcpb@2.1.2 validate bundle/manifest.json"));
  assert(
    workflow.includes("@anthropic-ai/mcpb@2.1.2 pack bundle proxmox-mcp-${{ matrix.target }}.mcpb"),
  );
  // Bundles and binaries share the checksum file and the upload.
  assert(workflow.includes("sha256sum proxmox-mcp-* > SHA256SUMS"));
  assert(workflow.includes("scripts/release_server_json.ts"));
  assert(workflow.includes("dist/proxmox-mcp-* dist/SHA256SUMS dist/server.json"));
});

Deno.test("release server.json: one mcpb package per bundle with its SHA-256; wrong tag refused", async () => {
  const dir = await Deno.makeTempDir({ prefix: "release-" });
  try {
    await Deno.writeTextFile(`${dir}/proxmox-mcp-linux-x64.mcpb`, "abc");
    await Deno.writeTextFile(`${dir}/proxmox-mcp-windows-x64.mcpb`, "");
    await Deno.writeTextFile(`${dir}/proxmox-mcp-linux-x64`, "not a bundle");
    const tag = `v${deno.version}`;
    const entry = await releaseServerJson(dir, "acme/proxmox-mcp", tag, REPO_ROOT);
    assertEquals(entry.name, "io.github.acme/proxmox-mcp");
    assertEquals(entry.version, deno.version);
    assertEquals(entry.packages.length, 2);
    const [linux, windows] = entry.packages;
    assertEquals(
      linux.identifier,
      `https://github.com/acme/proxmox-mcp/releases/download/${tag}/proxmox-mcp-linux-x64.mcpb`,
    );
    // SHA-256 of "abc" and of the empty file (FIPS 180-2 test vectors).
    assertEquals(
      linux.fileSha256,
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    assertEquals(
      windows.fileSha256,
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
    const secret = linux.environmentVariables.find((e) => e.name === "PROXMOX_TOKEN_VALUE");
    assertEquals(secret?.isSecret, true);
    assertEquals(secret?.isRequired, true);
    const wrongTag = await assertRejects(
      () => releaseServerJson(dir, "acme/proxmox-mcp", "v9.9.9", REPO_ROOT),
      Error,
    );
    assert(wrongTag.message.includes("must name the same version"), wrongTag.message);
    const badRepo = await assertRejects(
      () => releaseServerJson(dir, "acme/../x y", tag, REPO_ROOT),
      Error,
    );
    assert(badRepo.message.includes("is not OWNER/NAME"), badRepo.message);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("release server.json: an env entry naming no user_config is refused", () => {
  let error: Error | undefined;
  try {
    environmentOf({
      version: "1",
      server: { mcp_config: { env: { PROXMOX_HOST: "${user_config.hots}" } } },
      user_config: {},
    });
  } catch (e) {
    error = e as Error;
  }
  assert(error?.message.includes("PROXMOX_HOST"), String(error));
});
