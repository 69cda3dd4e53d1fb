/**
 * Checks recorded requests against the official PVE API schema
 * (`../shared/pve/apidoc.json` next to the repository): every request the
 * client sent must name a real endpoint with parameters the real server accepts.
 *
 * @example
 * ```ts ignore
 * const sim = await startSimulator();
 * // ... exercise the client ...
 * assertRequestsValid(sim.requests);
 * ```
 *
 * @module
 */

import { ENDPOINTS } from "../../src/proxmox/endpoints.ts";
import { type ParamRule, type Params, verifyParams } from "../../src/simulator/params.ts";

/** One method of the schema, indexed. */
export interface SchemaMethod {
  method: string;
  /** Path template, e.g. `/nodes/{node}/status`. */
  path: string;
  /** Every parameter, path ones included. */
  params: Record<string, ParamRule>;
  /** `parameters.additionalProperties` is 1. */
  additionalProperties: boolean;
  /** The raw schema entry (`permissions`, `protected`, `proxyto`, `returns`, …). */
  info: Record<string, unknown>;
}

/** The schema indexed by `"METHOD /template"`, with a matcher for concrete paths. */
export interface ApiSchema {
  byKey: Map<string, SchemaMethod>;
  /** Resolves a concrete decoded path; literal segments win over `{param}` ones. */
  match(
    method: string,
    path: string,
  ): { entry: SchemaMethod; pathParams: Record<string, string> } | undefined;
}

interface SchemaNode {
  path: string;
  info?: Record<string, Record<string, unknown>>;
  children?: SchemaNode[];
}

/** Absolute path of `apidoc.json` (it lives beside the repository, not in it). */
export const API_SCHEMA_PATH = decodeURIComponent(
  new URL("../../../shared/pve/apidoc.json", import.meta.url).pathname,
);

let cached: ApiSchema | null | undefined;

/** Loads and indexes apidoc.json once; `null` when the file is absent. */
export function loadApiSchema(): ApiSchema | null {
  if (cached !== undefined) return cached;
  let text: string;
  try {
    text = Deno.readTextFileSync(API_SCHEMA_PATH);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return (cached = null);
    throw e;
  }
  const byKey = new Map<string, SchemaMethod>();
  const walk = (n: SchemaNode) => {
    for (const [method, info] of Object.entries(n.info ?? {})) {
      const parameters = (info.parameters ?? {}) as {
        properties?: Record<string, ParamRule>;
        additionalProperties?: number;
      };
      byKey.set(`${method} ${n.path}`, {
        method,
        path: n.path,
        params: parameters.properties ?? {},
        additionalProperties: parameters.additionalProperties === 1,
        info,
      });
    }
    n.children?.forEach(walk);
  };
  (JSON.parse(text) as SchemaNode[]).forEach(walk);
  return (cached = indexed(byKey));
}

function indexed(byKey: Map<string, SchemaMethod>): ApiSchema {
  const list = [...byKey.values()].map((e) => ({ e, segs: e.path.split("/").slice(1) }));
  return {
    byKey,
    match(method, path) {
      const parts = path.split("/").slice(1);
      let best: { entry: SchemaMethod; pathParams: Record<string, string> } | undefined;
      let bestLiterals = -1;
      for (const { e, segs } of list) {
        // A final `{volume}` keeps its slashes, as PVE's storage content routes do.
        const cut = segs.at(-1) === "{volume}" && parts.length > segs.length
          ? [...parts.slice(0, segs.length - 1), parts.slice(segs.length - 1).join("/")]
          : parts;
        if (e.method !== method || segs.length !== cut.length) continue;
        const pathParams: Record<string, string> = {};
        let literals = 0;
        const ok = segs.every((s, i) => {
          if (s.startsWith("{")) {
            pathParams[s.slice(1, -1)] = cut[i];
            return cut[i] !== "";
          }
          if (s === cut[i]) literals++;
          return s === cut[i];
        });
        if (ok && literals > bestLiterals) {
          [best, bestLiterals] = [{ entry: e, pathParams }, literals];
        }
      }
      return best;
    },
  };
}

/** The project's own endpoint table as a schema: the fallback when apidoc.json is absent. */
export function projectSchema(): ApiSchema {
  const byKey = new Map<string, SchemaMethod>();
  for (const e of ENDPOINTS) {
    byKey.set(`${e.method} ${e.path}`, {
      method: e.method,
      path: e.path,
      params: e.params,
      additionalProperties: false,
      info: e as unknown as Record<string, unknown>,
    });
  }
  return indexed(byKey);
}

/** The part of a recorded request the check needs. */
export interface RequestLike {
  method: string;
  /** Decoded API path without `/api2/json`. */
  path: string;
  params: Params;
}

/** Problems of one request: unknown endpoint, missing/unknown/ill-typed parameters. */
export function validateRequest(schema: ApiSchema, rec: RequestLike): string[] {
  const where = `${rec.method} ${rec.path}`;
  const m = schema.match(rec.method, rec.path);
  if (!m) return [`${where}: no such endpoint in the PVE API`];
  const problems: string[] = [];
  for (const k of Object.keys(rec.params)) {
    if (k in m.pathParams) {
      problems.push(`${where}: ${k}: duplicate parameter (already defined in URI)`);
    }
  }
  const errors = verifyParams(
    m.entry.params,
    { ...rec.params, ...m.pathParams },
    m.entry.additionalProperties,
  );
  for (const [k, msg] of Object.entries(errors)) problems.push(`${where}: ${k}: ${msg}`);
  return problems;
}

/**
 * Throws, listing every problem, unless all `requests` are valid PVE API calls.
 * Uses apidoc.json, or the project's table when the file is absent.
 */
export function assertRequestsValid(requests: readonly RequestLike[], schema?: ApiSchema): void {
  const s = schema ?? loadApiSchema() ?? projectSchema();
  const problems = requests.flatMap((r) => validateRequest(s, r));
  if (problems.length) {
    throw new Error(`${problems.length} invalid PVE API request(s):\n  ${problems.join("\n  ")}`);
  }
}
