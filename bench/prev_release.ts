/**
 * The previous release (commit 07d3b87: the first version, SDK v1) as a git
 * worktree under /tmp, so the bench can spawn it beside the current tree. The
 * repository is only read: `git worktree add --detach` checks the old commit
 * out elsewhere. A worktree this module created is removed by `release()`; one
 * that already existed is reused and left in place.
 *
 * @example
 * ```ts ignore
 * import { previousRelease } from "./prev_release.ts";
 * const prev = await previousRelease();
 * if ("skipped" in prev) console.log(`previous release: skipped (${prev.skipped})`);
 * else { console.log(prev.root); await prev.release(); }
 * ```
 *
 * @module
 */

import { REPO_ROOT } from "../tests/support/harness.ts";

/** The commit measured as "previous release". */
export const PREVIOUS_COMMIT = "07d3b87";
const DIR = "/tmp/pmcp_prev";

/** A checked-out previous release, or why there is none. */
export type Previous =
  | { root: string; commit: string; release(): Promise<void> }
  | { skipped: string };

async function git(args: string[], cwd = REPO_ROOT) {
  const out = await new Deno.Command("git", { args, cwd, stdin: "null" }).output();
  const d = new TextDecoder();
  return { ok: out.success, stdout: d.decode(out.stdout).trim(), stderr: d.decode(out.stderr) };
}

/** Finds or creates the worktree of {@linkcode PREVIOUS_COMMIT}; never throws. */
export async function previousRelease(dir = DIR): Promise<Previous> {
  try {
    const want = await git(["rev-parse", "--verify", "--quiet", `${PREVIOUS_COMMIT}^{commit}`]);
    if (!want.ok) {
      const shallow = (await git(["rev-parse", "--is-shallow-repository"])).stdout === "true";
      return {
        skipped: `commit ${PREVIOUS_COMMIT} not in this clone${shallow ? " (shallow clone)" : ""}`,
      };
    }
    const have = await git(["rev-parse", "HEAD"], dir).catch(() => undefined);
    if (have?.ok && have.stdout === want.stdout) {
      return { root: dir, commit: want.stdout, release: () => Promise.resolve() };
    }
    if (await exists(dir)) {
      return { skipped: `${dir} exists but is not a checkout of ${PREVIOUS_COMMIT}` };
    }
    const add = await git(["worktree", "add", "--detach", dir, want.stdout]);
    if (!add.ok) return { skipped: `git worktree add failed: ${add.stderr.trim().split("\n")[0]}` };
    return {
      root: dir,
      commit: want.stdout,
      release: async () => void await git(["worktree", "remove", "--force", dir]),
    };
  } catch (e) {
    // No git binary (Deno.Command throws NotFound) or no permission to run it.
    return { skipped: `git unavailable: ${e instanceof Error ? e.message : e}` };
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
