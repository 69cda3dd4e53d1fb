/**
 * {@linkcode endpoint} with the schema table (83 KB of source) loaded on the
 * first request instead of at start-up: the client and the permission check
 * need it only once a request is made, and none is made before the MCP
 * handshake.
 *
 * @example
 * ```ts
 * import { lookupEndpoint } from "./endpoints_lazy.ts";
 * const spec = await lookupEndpoint("GET", "/nodes/{node}/status");
 * console.log(spec.permissions?.check); // ["perm", "/nodes/{node}", ["Sys.Audit"]]
 * ```
 *
 * @module
 */

import type { EndpointSpec, HttpMethod } from "./endpoints.ts";

let table: Promise<typeof import("./endpoints.ts")> | undefined;

/** The endpoint of `method` and `template`; rejects for one outside the table (a bug). */
export async function lookupEndpoint(method: HttpMethod, template: string): Promise<EndpointSpec> {
  const m = await (table ??= import("./endpoints.ts"));
  return m.endpoint(method, template);
}
