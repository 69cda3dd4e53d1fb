/**
 * `healthcheck [URL]`: asks a running HTTP server's `/healthz` and exits 0
 * when it answers 200. For container HEALTHCHECKs in images without curl
 * (distroless): the binary checks itself. No configuration is read.
 *
 * @example
 * ```sh
 * proxmox-mcp healthcheck http://127.0.0.1:8080 && echo up     # asks /healthz
 * ```
 *
 * @module
 */

import { EXIT } from "./args.ts";

/** The address checked when none is given (the container's default listener). */
export const DEFAULT_HEALTH_URL = "http://127.0.0.1:8080/healthz";

/**
 * The URL to ask: a bare server address (`http://127.0.0.1:8080`, with or without the trailing
 * slash) means its `/healthz`; any other path is asked as given.
 */
export function healthUrl(given: string = DEFAULT_HEALTH_URL): string {
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new TypeError(
      `healthcheck: "${given}" is not a URL; give the server's address, ` +
        "e.g. http://127.0.0.1:8080",
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`healthcheck: "${given}" is not an http(s) URL`);
  }
  if (url.pathname === "/" && !url.search) url.pathname = "/healthz";
  return url.href;
}

/** Checks `given` (see {@linkcode healthUrl}); returns the exit code (0 healthy, 1 not). */
export async function healthcheck(given?: string, timeoutMs = 3000): Promise<number> {
  let url: string;
  try {
    url = healthUrl(given);
  } catch (e) {
    console.error((e as Error).message);
    return EXIT.USAGE;
  }
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
