/**
 * Shared test helpers: temp directories, keys, and running the CLI as a
 * subprocess with an explicit environment.
 *
 * @module
 */

import { encodeKey, generateKeyBytes } from "../../src/crypto/keys.ts";

export const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;

/** A plain configuration with a recognisable token. */
export const TOKEN = "5ec2e7a0-dead-beef-cafe-0123456789ab";

export const PLAIN_CONFIG = `{
    "proxmox": {"host": "127.0.0.1", "port": 1,   "verify_ssl": false},
\t"auth": {
\t\t"user": "mcp@pve", "token_name": "mcp",
\t\t"token_value": "${TOKEN}"
\t},
  "logging": { "level": "DEBUG" , "file": "\${LOGFILE:-/dev/null}" }
}
`;

export function newKeyText(): string {
  return encodeKey(generateKeyBytes());
}

export async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "pmcp-crypto-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

export async function writeKeyFile(path: string, key: string, mode = 0o600): Promise<void> {
  await Deno.writeTextFile(path, key + "\n", { mode });
  await Deno.chmod(path, mode);
}

/** The environment a CLI subprocess gets: HOME in the temp dir, nothing inherited but caches. */
export function cliEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { HOME: home, PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" };
  for (const name of ["NODE_EXTRA_CA_CERTS", "DENO_DIR"]) {
    const v = Deno.env.get(name);
    if (v) env[name] = v;
  }
  // Without DENO_DIR the subprocess would use $HOME/.cache/deno, i.e. an empty cache.
  const realHome = Deno.env.get("HOME");
  if (!env.DENO_DIR && realHome) env.DENO_DIR = `${realHome}/.cache/deno`;
  return { ...env, ...extra };
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `deno run <server permissions> src/main.ts ...args`. */
export async function runCli(
  args: string[],
  opts: { home: string; env?: Record<string, string>; cwd?: string },
): Promise<Run> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-read", "--allow-write", "--allow-env", MAIN, ...args],
    env: cliEnv(opts.home, opts.env),
    clearEnv: true,
    cwd: opts.cwd ?? opts.home,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Fails if `needle` appears anywhere in the run's output. */
export function assertAbsent(run: Run, needle: string, what: string): void {
  if (run.stdout.includes(needle) || run.stderr.includes(needle)) {
    throw new Error(`${what} appears in the output:\n${run.stdout}\n${run.stderr}`);
  }
}

/** No stack trace lines ("    at ...") in the output. */
export function assertNoStack(run: Run): void {
  if (/^\s+at .+:\d+:\d+/m.test(run.stderr + run.stdout)) {
    throw new Error(`stack trace in the output:\n${run.stderr}`);
  }
}
