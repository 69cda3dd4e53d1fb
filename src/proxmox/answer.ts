/**
 * Turning what came back (or did not) into data or a typed {@linkcode PveError}:
 * the `{"data": ...}` envelope, PVE's error answers, and transport failures
 * (timeout, TLS, network) with the fix in the message.
 *
 * @example
 * ```ts
 * import { parseAnswer } from "./answer.ts";
 * console.log(parseAnswer(200, "OK", '{"data":[1]}', { method: "GET", path: "/nodes" })); // [1]
 * ```
 *
 * @module
 */

import { errorFromResponse, PveError } from "./errors.ts";

/** The `data` of a 2xx answer; throws the matching {@linkcode PveError} otherwise. */
export function parseAnswer<T>(
  status: number,
  statusText: string,
  text: string,
  where: { method: string; path: string },
): T {
  let json: unknown;
  let parsed = true;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    parsed = false;
  }
  const obj = json && typeof json === "object" ? json as Record<string, unknown> : undefined;
  if (status < 200 || status >= 300) {
    const message = typeof obj?.message === "string" ? obj.message : statusText;
    throw errorFromResponse(status, message, obj as { errors?: Record<string, string> }, where);
  }
  if (!parsed || !obj || !("data" in obj)) {
    throw new PveError(
      "bad-response",
      `PVE answered ${where.method} ${where.path} with ${
        parsed ? 'JSON without the expected {"data": ...} envelope' : "a body that is not JSON"
      } (${text.length} bytes${
        text.length ? `, starting ${JSON.stringify(text.slice(0, 40))}` : ""
      }). ` +
        "A proxy in between, or a truncated answer? Try again.",
      { status, ...where },
    );
  }
  return obj.data as T;
}

/** The error for a request that got no answer. */
export function transportError(
  e: unknown,
  ctx: { method: string; path: string; timeoutMs: number; label: string; timeout: AbortSignal },
): PveError {
  const where = { method: ctx.method, path: ctx.path };
  const msg = e instanceof Error
    ? `${e.message} ${String((e as { cause?: unknown }).cause ?? "")}`
    : String(e);
  if (ctx.timeout.aborted) {
    return new PveError(
      "timeout",
      `PVE at ${ctx.label} did not answer ${ctx.method} ${ctx.path} within ${ctx.timeoutMs} ms. ` +
        "The node may be overloaded or unreachable; raise proxmox.timeout_ms if it is just slow.",
      where,
    );
  }
  if (e instanceof DOMException && e.name === "AbortError") {
    return new PveError("network", `request ${ctx.method} ${ctx.path} was cancelled`, where);
  }
  if (/certificate|UnknownIssuer|CERT_|self[- ]signed|tls|handshake/i.test(msg)) {
    return new PveError(
      "tls",
      `TLS to ${ctx.label} failed: the server's certificate is not trusted (${oneLine(msg)}). ` +
        "Set proxmox.ca_file to the cluster's CA (/etc/pve/pve-root-ca.pem on any node), " +
        "or, on a trusted network only, proxmox.verify_ssl: false.",
      where,
    );
  }
  return new PveError(
    "network",
    `cannot reach PVE at ${ctx.label} (${oneLine(msg)}). Check proxmox.host and proxmox.port, ` +
      `and that port ${portOf(ctx.label)} is reachable from here.`,
    where,
  );
}

// The label is URL.host: the port is left out when it is https' default, 443.
function portOf(label: string): string {
  try {
    return new URL(`https://${label}`).port || "443";
  } catch {
    return label;
  }
}

function oneLine(s: string): string {
  const t = s.replace(/\s+/g, " ").trim();
  return t.length > 160 ? `${t.slice(0, 157)}...` : t;
}
