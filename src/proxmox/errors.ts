/**
 * Typed errors for everything that can go wrong talking to PVE, each with a
 * message that says what happened and what to do about it.
 *
 * @example
 * ```ts
 * import { PveError } from "./errors.ts";
 * const e = new PveError("permission", "token lacks VM.Audit on /vms/100", { status: 403 });
 * console.log(e.kind, e.status); // "permission" 403
 * ```
 *
 * @module
 */

/** The kinds of failure a caller may want to tell apart. */
export type PveErrorKind =
  | "auth" // 401: token missing, wrong, expired or revoked
  | "permission" // 403: privilege missing
  | "bad-request" // 400: parameter verification failed
  | "not-implemented" // 501: no such endpoint on this PVE version
  | "not-found" // 500 with "does not exist" for a guest/node/storage
  | "server" // other 5xx, including failed synchronous actions
  | "node-unreachable" // 595/596/599: pveproxy could not reach the node
  | "timeout"
  | "tls"
  | "network"
  | "bad-response"; // body was not the JSON shape PVE sends

/** Details carried by a {@linkcode PveError}. */
export interface PveErrorDetails {
  status?: number;
  method?: string;
  path?: string;
  /** For 400: the parameter → reason map PVE returned. */
  paramErrors?: Record<string, string>;
  /** For 403: the path and privileges PVE named. */
  permission?: { path: string; privileges: string[] };
}

/** A failed PVE API call. */
export class PveError extends Error {
  constructor(
    readonly kind: PveErrorKind,
    message: string,
    readonly details: PveErrorDetails = {},
  ) {
    super(message);
    this.name = "PveError";
  }
  /** HTTP status, when there was an answer. */
  get status(): number | undefined {
    return this.details.status;
  }
  /** Whether a GET may be tried again after this error. */
  get retryable(): boolean {
    return this.kind === "network" ||
      (this.kind === "server" && (this.status === 502 || this.status === 503));
  }
}

/** Parses PVE's 403 text `Permission check failed (/vms/100, VM.PowerMgmt|VM.Audit)`. */
export function parsePermissionText(text: string): PveErrorDetails["permission"] {
  const m = /Permission check failed \(([^,]+), ([^)]+)\)/.exec(text);
  if (!m) return undefined;
  return { path: m[1].trim(), privileges: m[2].trim().split("|").map((s) => s.trim()) };
}

/** Builds the error for an HTTP answer that was not 2xx. */
export function errorFromResponse(
  status: number,
  message: string,
  body: { errors?: Record<string, string> } | undefined,
  where: { method: string; path: string },
): PveError {
  const at = `${where.method} ${where.path}`;
  const reason = message.trim();
  const details: PveErrorDetails = { status, ...where };
  if (status === 401) {
    return new PveError(
      "auth",
      `PVE rejected the API token (401${reason ? `: ${reason}` : ""}). Check auth.user, ` +
        `auth.token_name and auth.token_value (the token may be revoked or expired: ` +
        `'pveum user token list USER' on a node shows it).`,
      details,
    );
  }
  if (status === 403) {
    const permission = parsePermissionText(reason);
    const what = permission
      ? `the token lacks ${permission.privileges.join(" or ")} on ${permission.path}`
      : `permission denied (${reason || "no reason given"})`;
    const fix = permission
      ? ` Grant it, e.g. 'pveum acl modify ${permission.path} --tokens USER@REALM!TOKEN ` +
        `--roles ROLE' with a role that has ${permission.privileges[0]}` +
        ` (with privilege separation the token needs its own ACL, not only its user's).`
      : "";
    return new PveError("permission", `PVE refused ${at}: ${what}.${fix}`, {
      ...details,
      permission,
    });
  }
  if (status === 400) {
    const errs = body?.errors ?? {};
    const list = Object.entries(errs).map(([k, v]) => `${k}: ${String(v).trim()}`).join("; ");
    return new PveError(
      "bad-request",
      `PVE rejected the parameters of ${at}${list ? ` (${list})` : reason ? ` (${reason})` : ""}.`,
      { ...details, paramErrors: errs },
    );
  }
  if (status === 501) {
    return new PveError(
      "not-implemented",
      `PVE does not implement ${at} (${
        reason || "501"
      }): the cluster's PVE version may be too old.`,
      details,
    );
  }
  if (status === 595 || status === 596 || status === 599) {
    return new PveError(
      "node-unreachable",
      `The PVE node that must answer ${at} is unreachable (${status}${
        reason ? `: ${reason}` : ""
      }). It may be offline; check it with get_nodes or 'pvecm status'.`,
      details,
    );
  }
  if (status === 500 && /does not exist|no such|not found/i.test(reason)) {
    return new PveError("not-found", `PVE: ${reason} (${at}).`, details);
  }
  return new PveError(
    "server",
    `PVE answered ${status} for ${at}${reason ? `: ${reason}` : ""}.`,
    details,
  );
}
