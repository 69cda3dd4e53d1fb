/**
 * The table of PowerShell cmdlets shell mode may call on a Windows guest:
 * each one's exact parameter names, which take values (and their checks),
 * the positional order, and which switch makes a path recursive. Remote and
 * credential parameters are absent on purpose. Read by powershell.ts.
 *
 * Source: Microsoft PowerShell 5.1 cmdlet reference
 * (MicrosoftDocs/PowerShell-Docs, reference/5.1/<module>/<cmdlet>.md).
 *
 * @example
 * ```ts
 * import { CMDLETS } from "./powershell_cmdlets.ts";
 * const gs = CMDLETS.find((c) => c.name === "Get-Service")!;
 * console.log("ComputerName" in gs.params); // false
 * ```
 *
 * @module
 */

import { checkPath } from "./paths.ts";
import { GrammarRefusal, type WordCheck } from "./types.ts";
import { ascii, integer, names, oneOf, shaped } from "./words.ts";

/** A path for a filesystem cmdlet: no provider drives, no `::` provider paths, then checkPath. */
const psPath: WordCheck = (w, what) => {
  ascii(w, what);
  if (w.includes("::") || /^[A-Za-z][A-Za-z0-9]+:/.test(w)) {
    throw new GrammarRefusal(
      "secret",
      `${what} ${JSON.stringify(w)} names a PowerShell provider (registry, environment, ` +
        "certificates…), not a file; only file paths are allowed",
    );
  }
  checkPath(w, "read", what);
};

const psName = shaped(/^[A-Za-z0-9_.*? -]+$/, "a name");
const psList = shaped(/^[A-Za-z0-9_.*?, -]+$/, "a name or list of names");
const SWITCH = null;

export interface CmdletSpec {
  name: string;
  module: string;
  /** Parameters by exact name: null for a switch, else the value check. */
  params: Record<string, WordCheck | null>;
  /** Positional parameters in order. */
  positional?: readonly string[];
  /** The switch that makes the path parameters recursive. */
  recursive?: string;
  /** Parameters that name paths (for the recursive check). */
  paths?: readonly string[];
}

const MGMT = "Microsoft.PowerShell.Management";
const UTIL = "Microsoft.PowerShell.Utility";

export const CMDLETS: readonly CmdletSpec[] = [
  {
    name: "Get-Process",
    module: MGMT,
    params: { Name: psList, Id: shaped(/^\d+(,\d+)*$/, "process ids"), IncludeUserName: SWITCH },
    positional: ["Name"],
  },
  {
    name: "Get-Service",
    module: MGMT,
    params: {
      Name: psList,
      DisplayName: psList,
      Include: psList,
      Exclude: psList,
      DependentServices: SWITCH,
      RequiredServices: SWITCH,
    },
    positional: ["Name"],
  },
  {
    name: "Get-ChildItem",
    module: MGMT,
    params: {
      Path: psPath,
      LiteralPath: psPath,
      Filter: psName,
      Include: psList,
      Exclude: psList,
      Recurse: SWITCH,
      Depth: integer,
      Force: SWITCH,
      Name: SWITCH,
      Directory: SWITCH,
      File: SWITCH,
    },
    positional: ["Path", "Filter"],
    recursive: "Recurse",
    paths: ["Path", "LiteralPath"],
  },
  {
    name: "Get-Content",
    module: MGMT,
    params: { Path: psPath, LiteralPath: psPath, TotalCount: integer, Tail: integer, Raw: SWITCH },
    positional: ["Path"],
  },
  {
    name: "Get-Date",
    module: UTIL,
    params: { Format: ascii, UFormat: ascii },
  },
  {
    name: "Get-ComputerInfo",
    module: MGMT,
    params: { Property: psList },
    positional: ["Property"],
  },
  {
    name: "Get-HotFix",
    module: MGMT,
    params: { Id: psList, Description: psList },
    positional: ["Id"],
  },
  {
    name: "Get-PSDrive",
    module: MGMT,
    params: { Name: psList, PSProvider: psList },
    positional: ["Name"],
  },
  { name: "Get-TimeZone", module: MGMT, params: { ListAvailable: SWITCH } },
  {
    name: "Get-Volume",
    module: "Storage",
    params: { DriveLetter: psList },
    positional: ["DriveLetter"],
  },
  { name: "Get-Disk", module: "Storage", params: { Number: integer }, positional: ["Number"] },
  {
    name: "Get-NetIPAddress",
    module: "NetTCPIP",
    params: {
      InterfaceAlias: psList,
      InterfaceIndex: integer,
      AddressFamily: oneOf(["IPv4", "IPv6"]),
    },
  },
  {
    name: "Get-NetIPConfiguration",
    module: "NetTCPIP",
    params: { InterfaceAlias: psList, Detailed: SWITCH, All: SWITCH },
  },
  {
    name: "Get-NetRoute",
    module: "NetTCPIP",
    params: {
      AddressFamily: oneOf(["IPv4", "IPv6"]),
      InterfaceAlias: psList,
      DestinationPrefix: psList,
    },
  },
  {
    name: "Get-NetTCPConnection",
    module: "NetTCPIP",
    params: { State: psList, LocalPort: psList, RemotePort: psList, OwningProcess: psList },
  },
  {
    name: "Get-NetAdapter",
    module: "NetAdapter",
    params: { Name: psList, Physical: SWITCH },
    positional: ["Name"],
  },
  {
    name: "Get-DnsClientServerAddress",
    module: "DnsClient",
    params: { InterfaceAlias: psList, AddressFamily: oneOf(["IPv4", "IPv6"]) },
  },
  {
    name: "Get-WinEvent",
    module: "Microsoft.PowerShell.Diagnostics",
    params: {
      LogName: psList,
      MaxEvents: integer,
      ProviderName: psList,
      ListLog: psList,
      Oldest: SWITCH,
    },
    positional: ["LogName"],
  },
  {
    name: "Get-EventLog",
    module: MGMT,
    params: {
      LogName: psName,
      Newest: integer,
      EntryType: psList,
      Source: psList,
      InstanceId: integer,
      List: SWITCH,
    },
    positional: ["LogName"],
  },
  {
    name: "Get-CimInstance",
    module: "CimCmdlets",
    params: { ClassName: psName, Filter: ascii, Property: psList, KeyOnly: SWITCH },
    positional: ["ClassName"],
  },
  {
    name: "Select-Object",
    module: UTIL,
    params: {
      Property: psList,
      ExpandProperty: psName,
      ExcludeProperty: psList,
      First: integer,
      Last: integer,
      Skip: integer,
      Unique: SWITCH,
    },
    positional: ["Property"],
  },
  {
    name: "Where-Object",
    module: "Microsoft.PowerShell.Core",
    // The simplified syntax only (Where-Object Status -eq Running): a script block is refused.
    params: Object.fromEntries([
      ["Property", psName],
      ["Value", psName],
      ...[
        "EQ",
        "NE",
        "GT",
        "GE",
        "LT",
        "LE",
        "Like",
        "NotLike",
        "Match",
        "NotMatch",
        "Contains",
        "NotContains",
        "In",
        "NotIn",
        "CEQ",
        "CNE",
        "CLike",
        "CMatch",
      ].map((op) => [op, SWITCH]),
    ]),
    positional: ["Property", "Value"],
  },
  {
    name: "Sort-Object",
    module: UTIL,
    params: { Property: psList, Descending: SWITCH, Unique: SWITCH },
    positional: ["Property"],
  },
  {
    name: "Measure-Object",
    module: UTIL,
    params: {
      Property: psList,
      Sum: SWITCH,
      Average: SWITCH,
      Maximum: SWITCH,
      Minimum: SWITCH,
      Line: SWITCH,
      Word: SWITCH,
      Character: SWITCH,
    },
    positional: ["Property"],
  },
  {
    name: "Format-Table",
    module: UTIL,
    params: {
      Property: psList,
      AutoSize: SWITCH,
      Wrap: SWITCH,
      HideTableHeaders: SWITCH,
      GroupBy: psName,
    },
    positional: ["Property"],
  },
  { name: "Format-List", module: UTIL, params: { Property: psList }, positional: ["Property"] },
  {
    // Filters the pipeline's text only: -Path and -LiteralPath (which read files) are left out.
    name: "Select-String",
    module: UTIL,
    params: {
      Pattern: ascii,
      SimpleMatch: SWITCH,
      CaseSensitive: SWITCH,
      NotMatch: SWITCH,
      AllMatches: SWITCH,
      List: SWITCH,
    },
    positional: ["Pattern"],
  },
  { name: "Out-String", module: UTIL, params: { Width: integer, Stream: SWITCH } },
  { name: "ConvertTo-Json", module: UTIL, params: { Depth: integer, Compress: SWITCH } },
  {
    name: "Test-NetConnection",
    module: "NetTCPIP",
    params: {
      ComputerName: names,
      Port: integer,
      InformationLevel: oneOf(["Quiet", "Detailed"]),
      TraceRoute: SWITCH,
    },
    positional: ["ComputerName"],
  },
  {
    name: "Resolve-DnsName",
    module: "DnsClient",
    params: { Name: names, Type: names, DnsOnly: SWITCH },
    positional: ["Name", "Type"],
  },
];
