/**
 * This tree bundled (`deno bundle`, npm packages left external, one chunk
 * per dynamic import) into a temporary directory, so the bench can measure
 * what Deno's per-module cost is worth: `deno run src/main.ts` loads 47 local
 * modules before it answers `initialize`, the bundle a handful of chunks of
 * the same code. Not what ships (the binary compiles `src/main.ts`); a
 * measurement only. `deno bundle` fetches esbuild from npm on first use.
 *
 * @example
 * ```ts ignore
 * import { bundledTree } from "./bundle.ts";
 * const b = await bundledTree();
 * if ("skipped" in b) console.log(`bundle: skipped (${b.skipped})`);
 * else { console.log(b.spec("/tmp/config.json").args); await b.release(); }
 * ```
 *
 * @module
 */

import { REPO_ROOT, startTaskFlags } from "../tests/support/harness.ts";
import type { ServerSpec } from "./spawn.ts";

/** A bundle of this tree, or why there is none. */
export type Bundled =
  | { dir: string; spec(configPath: string): ServerSpec; release(): Promise<void> }
  | { skipped: string };

/** Bundles `src/main.ts` of `root`; never throws. */
export async function bundledTree(root = REPO_ROOT): Promise<Bundled> {
  const dir = await Deno.makeTempDir({ prefix: "pmcp-bundle-" });
  const release = () => Deno.remove(dir, { recursive: true }).catch(() => {});
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--platform",
        "deno",
        "--packages",
        "external",
        "--code-splitting",
        "--outdir",
        dir,
        "src/main.ts",
      ],
      cwd: root,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      await release();
      const why = new TextDecoder().decode(out.stderr).trim().split("\n").slice(-1)[0];
      return { skipped: `deno bundle failed: ${why}` };
    }
  } catch (e) {
    await release();
    return { skipped: `deno bundle could not run: ${(e as Error).message}` };
  }
  return {
    dir,
    // The tree's deno.json resolves the bundle's bare npm specifiers, as for src/main.ts.
    spec: (configPath) => ({
      cwd: root,
      args: [
        "run",
        ...startTaskFlags(root),
        "--config",
        `${root}/deno.json`,
        `${dir}/main.js`,
        "--config",
        configPath,
      ],
    }),
    release,
  };
}
