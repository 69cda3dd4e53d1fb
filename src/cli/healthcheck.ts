/**
 * `healthcheck [URL]`: asks a running HTTP server's `/healthz` and exits 0
 * when it answers 200. For container HEALTHCHECKs in images without curl
 * (distroless): the binary checks itself. No configuration is read.
 *
 * @example
 * ```sh
 * proxmox-mcp healthcheck http://127.0.0.1:8080/healthz && echo up
 * ```
 *
 * @module
 */

import { EXIT } from "./args.ts";

/** The address checked when none is given (the container's default listener). */
export const DEFAULT_HEALTH_URL = "http://127.0.0.1:8080/healthz";

/** Checks `url`; returns the exit code (0 healthy, 1 not). */
export async function healthcheck(url = DEFAULT_HEALTH_URL, timeoutMs = 3000): Promise<number> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const body = await res.text();
    if (res.ok) {
      console.log(body);
      return EXIT.OK;
    }
    console.error(`unhealthy: ${url} answered HTTP ${res.status}`);
  } catch (e) {
    console.error(`unhealthy: ${url}: ${(e as Error).message}`);
  }
  return EXIT.FAILED;
}
