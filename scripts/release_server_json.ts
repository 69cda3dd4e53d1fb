/**
 * Writes the MCP registry entry of a release: `server.json` of the checkout
 * plus one `mcpb` package per bundle in DIR (download URL on the release,
 * SHA-256 of the file, the environment the bundle's manifest maps its
 * user_config to), named after the GitHub repository that publishes it.
 * Run by the release workflow after the bundles are packed.
 *
 * Run: `deno run --allow-read --allow-write scripts/release_server_json.ts DIR OWNER/REPO TAG`
 *
 * @example
 * ```ts ignore
 * import { releaseServerJson } from "./release_server_json.ts";
 * const entry = await releaseServerJson("dist", "acme/proxmox-mcp", "v0.1.0");
 * console.log(entry.packages.length); // one per .mcpb file in dist
 * ```
 *
 * @module
 */

interface UserConfigEntry {
  type: string;
  description: string;
  required?: boolean;
  sensitive?: boolean;
  default?: string | number | boolean;
}

interface Manifest {
  version: string;
  server: { mcp_config: { env: Record<string, string> } };
  user_config: Record<string, UserConfigEntry>;
}

/** One environment variable of a registry package. */
export interface RegistryEnv {
  name: string;
  description: string;
  isRequired: boolean;
  isSecret: boolean;
  format: string;
  default?: string;
}

/** One `mcpb` package of the registry entry. */
export interface RegistryPackage {
  registryType: "mcpb";
  identifier: string;
  version: string;
  fileSha256: string;
  transport: { type: "stdio" };
  environmentVariables: RegistryEnv[];
}

/** The registry entry of a release (server.json with repository and packages). */
export interface RegistryEntry {
  name: string;
  version: string;
  description: string;
  repository: { url: string; source: "github" };
  packages: RegistryPackage[];
  [key: string]: unknown;
}

const FORMAT: Record<string, string> = { number: "number", boolean: "boolean", file: "filepath" };

/** The registry's environmentVariables, from the manifest's env → user_config mapping. */
export function environmentOf(manifest: Manifest): RegistryEnv[] {
  return Object.entries(manifest.server.mcp_config.env).map(([name, ref]) => {
    const key = /^\$\{user_config\.([^}]+)\}$/.exec(ref)?.[1];
    const option = key === undefined ? undefined : manifest.user_config[key];
    if (!option) throw new Error(`manifest.json: env ${name} = ${ref} names no user_config entry`);
    return {
      name,
      description: option.description,
      isRequired: option.required === true,
      isSecret: option.sensitive === true,
      format: FORMAT[option.type] ?? "string",
      ...(option.default === undefined || option.default === ""
        ? {}
        : { default: String(option.default) }),
    };
  });
}

async function sha256(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The registry entry for the bundles in `dir`, released as `tag` of `repo` (`owner/name`). */
export async function releaseServerJson(
  dir: string,
  repo: string,
  tag: string,
  root = ".",
): Promise<RegistryEntry> {
  if (!/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(repo)) {
    throw new Error(`repository "${repo}" is not OWNER/NAME`);
  }
  const server = JSON.parse(await Deno.readTextFile(`${root}/server.json`));
  const manifest: Manifest = JSON.parse(await Deno.readTextFile(`${root}/manifest.json`));
  if (tag !== `v${server.version}` || manifest.version !== server.version) {
    throw new Error(
      `tag ${tag}, server.json ${server.version} and manifest.json ${manifest.version} ` +
        "must name the same version (tag vX.Y.Z)",
    );
  }
  const bundles = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".mcpb"))
    .sort();
  if (bundles.length === 0) throw new Error(`${dir} holds no .mcpb bundle`);
  const environmentVariables = environmentOf(manifest);
  const packages: RegistryPackage[] = [];
  for (const file of bundles) {
    packages.push({
      registryType: "mcpb",
      identifier: `https://github.com/${repo}/releases/download/${tag}/${file}`,
      version: server.version,
      fileSha256: await sha256(`${dir}/${file}`),
      transport: { type: "stdio" },
      environmentVariables,
    });
  }
  return {
    ...server,
    name: `io.github.${repo}`,
    repository: { url: `https://github.com/${repo}`, source: "github" },
    packages,
  };
}

if (import.meta.main) {
  const [dir, repo, tag] = Deno.args;
  if (!dir || !repo || !tag) {
    console.error("usage: release_server_json.ts DIR OWNER/REPO TAG");
    Deno.exit(2);
  }
  const entry = await releaseServerJson(dir, repo, tag);
  await Deno.writeTextFile(`${dir}/server.json`, JSON.stringify(entry, null, 2) + "\n");
  console.log(
    `${dir}/server.json: ${entry.name} ${entry.version}, ${entry.packages.length} bundles`,
  );
}
