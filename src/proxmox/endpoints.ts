/**
 * The PVE API endpoints this project calls, as facts taken from the official
 * schema: path templates, parameters and privilege checks. The client, the
 * permission model and the simulator all read this one table.
 *
 * @example
 * ```ts
 * import { matchEndpoint } from "./endpoints.ts";
 * const m = matchEndpoint("GET", "/nodes/pve1/status");
 * console.log(m?.spec.path, m?.pathParams.node); // "/nodes/{node}/status" "pve1"
 * ```
 *
 * @module
 */

import { ENDPOINT_TABLE } from "./endpoints_table.ts";

/** HTTP methods the PVE API uses. */
export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

/** One parameter as the schema describes it. */
export interface ParamSpec {
  type?: "string" | "integer" | "number" | "boolean" | "array" | "object" | "null";
  optional?: boolean;
  enum?: readonly string[];
  minimum?: number;
  maximum?: number;
  format?: string;
  pattern?: string;
  maxLength?: number;
}

/** A privilege check in the schema's own notation, e.g. `["perm", "/vms/{vmid}", ["VM.Audit"]]`. */
export type PermissionCheck = readonly unknown[];

/** One endpoint: method, path template and the schema facts we rely on. */
export interface EndpointSpec {
  method: string;
  path: string;
  params: Record<string, ParamSpec>;
  permissions: { check?: PermissionCheck; user?: string; description?: string } | null;
  protected: boolean;
  proxyto: string | null;
  returns: string;
}

/** A concrete request path resolved to its endpoint. */
export interface EndpointMatch {
  spec: EndpointSpec;
  pathParams: Record<string, string>;
}

interface CompiledEndpoint {
  spec: EndpointSpec;
  segments: string[];
}

const compiled: CompiledEndpoint[] = ENDPOINT_TABLE.map((spec) => ({
  spec,
  segments: spec.path.split("/").slice(1),
}));

/** All endpoints known to the project. */
export const ENDPOINTS: readonly EndpointSpec[] = ENDPOINT_TABLE;

/**
 * Resolves a concrete, already-decoded path such as `/nodes/pve1/qemu/100/config`
 * to its template. Literal segments win over `{param}` segments.
 */
export function matchEndpoint(method: string, path: string): EndpointMatch | undefined {
  const parts = path.split("/").slice(1);
  let best: EndpointMatch | undefined;
  let bestLiterals = -1;
  for (const c of compiled) {
    // PVE routes storage content with `fragmentDelimiter => ''`: a volume id keeps its slashes
    // (`local:backup/vzdump-...`), so a final `{volume}` takes the rest of the path.
    const rest = c.segments.at(-1) === "{volume}" && parts.length > c.segments.length;
    const cut = rest
      ? [...parts.slice(0, c.segments.length - 1), parts.slice(c.segments.length - 1).join("/")]
      : parts;
    if (c.spec.method !== method || c.segments.length !== cut.length) continue;
    const pathParams: Record<string, string> = {};
    let literals = 0;
    let ok = true;
    for (let i = 0; i < cut.length; i++) {
      const seg = c.segments[i];
      if (seg.startsWith("{")) {
        if (cut[i] === "") {
          ok = false;
          break;
        }
        pathParams[seg.slice(1, -1)] = cut[i];
      } else if (seg === cut[i]) literals++;
      else {
        ok = false;
        break;
      }
    }
    if (ok && literals > bestLiterals) {
      best = { spec: c.spec, pathParams };
      bestLiterals = literals;
    }
  }
  return best;
}

/** Finds an endpoint by its method and template, e.g. `("GET", "/nodes/{node}/status")`. */
export function endpoint(method: HttpMethod, template: string): EndpointSpec {
  const spec = ENDPOINT_TABLE.find((e) => e.method === method && e.path === template);
  if (!spec) throw new Error(`endpoint not in the table: ${method} ${template}`);
  return spec;
}
