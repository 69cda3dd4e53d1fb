/**
 * The listing load for the RSS measurement: which cluster-wide listing tools a
 * server offers (picked by name from its own tools/list, since the tool
 * surface changes between versions) and a fixed number of paged calls to
 * them. Guest listings come twice in the rotation because they carry the big
 * answers; paging arguments are sent only where the tool's input schema has
 * them, at the largest page the schema allows (up to 1000).
 *
 * @example
 * ```ts
 * import { listingCalls } from "./listing_load.ts";
 * const tools = [{
 *   name: "get_vms",
 *   inputSchema: { type: "object", properties: { limit: { maximum: 1000 }, offset: {} } },
 * }];
 * console.log(listingCalls(tools, 2)); // get_vms at offsets 0 and 1000
 * ```
 *
 * @module
 */

/** The part of a listed tool the picker reads. */
export interface ListedTool {
  name: string;
  inputSchema?: { properties?: Record<string, unknown>; required?: string[] };
}

/** One listing call. */
export interface ListingCall {
  name: string;
  args: Record<string, unknown>;
}

/** Guest listings first (the large answers), then the other cluster-wide listings. */
const GUESTS = ["get_vms", "get_containers", "get_guests", "list_guests", "get_resources"];
const OTHERS = ["get_storage", "get_nodes", "list_nodes", "list_storage"];
const PAGE = 1000;
/** Distinct offsets per tool: "a few", so pages repeat as a long conversation would. */
const OFFSETS = 5;

const usable = (t: ListedTool) => !(t.inputSchema?.required?.length);

/** `count` calls over the listing tools among `tools`; empty when it offers none. */
export function listingCalls(tools: readonly ListedTool[], count: number): ListingCall[] {
  const pick = (names: string[]) =>
    names.map((n) => tools.find((t) => t.name === n)).filter((t): t is ListedTool =>
      t !== undefined && usable(t)
    );
  const guests = pick(GUESTS);
  const rotation = [...guests, ...guests, ...pick(OTHERS)];
  if (!rotation.length) return [];
  const seen = new Map<string, number>();
  const calls: ListingCall[] = [];
  for (let i = 0; i < count; i++) {
    const t = rotation[i % rotation.length];
    const k = seen.get(t.name) ?? 0;
    seen.set(t.name, k + 1);
    calls.push({ name: t.name, args: pageArgs(t, k) });
  }
  return calls;
}

function pageArgs(t: ListedTool, k: number): Record<string, unknown> {
  const props = t.inputSchema?.properties ?? {};
  if (!("limit" in props)) return {};
  const max = (props.limit as { maximum?: number }).maximum;
  const limit = Math.min(PAGE, typeof max === "number" ? max : PAGE);
  return "offset" in props ? { limit, offset: (k % OFFSETS) * limit } : { limit };
}

/** Names of the tools `calls` uses, with their call counts, for the report. */
export function describeCalls(calls: readonly ListingCall[]): string {
  const n = new Map<string, number>();
  for (const c of calls) n.set(c.name, (n.get(c.name) ?? 0) + 1);
  return [...n].map(([name, k]) => `${name} ×${k}`).join(", ");
}
