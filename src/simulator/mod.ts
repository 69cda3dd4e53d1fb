/**
 * The Proxmox VE API simulator (see docs/simulator-contract.md): a real HTTPS
 * server on loopback with a mutable cluster model, tokens with ACLs, tasks and
 * fault injection.
 *
 * @module
 */

export { DEMO_TOKEN, type RoleName, ROLES, type SimToken, tokenWithRole } from "./acl.ts";
export { type Fault, type FaultMatch } from "./faults.ts";
export { buildCluster, type BuildSpec, demoCluster } from "./fixtures.ts";
export type { LoadCounter, RecordedRequest } from "./pipeline.ts";
export { PveError, type RouteContext, type RouteHandler, type RouteTable } from "./routing.ts";
export {
  ClusterState,
  type GuestAgentModel,
  type GuestModel,
  type NodeModel,
  type PoolModel,
  type SnapshotModel,
  type StorageModel,
} from "./state.ts";
export { type SimTask, type StartTaskOptions } from "./tasks.ts";
export { type Simulator, type SimulatorOptions, startSimulator } from "./server.ts";
export { PVE_VERSIONS, type PveRelease, pveRelease, type SimPveVersion } from "./versions.ts";
