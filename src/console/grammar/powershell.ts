/**
 * Grammars for the PowerShell cmdlets a Windows shell-mode script may call:
 * reading `Get-*` cmdlets and the formatting pipeline. PowerShell binds a
 * parameter from any unambiguous prefix of its name or from an alias
 * (`-Comp` is `-ComputerName`), so, as with long options, only the exact,
 * full parameter names listed here are accepted; remote and credential
 * parameters (`-ComputerName`, `-CimSession`, `-Credential`, `-Session`) are
 * left out. Paths go through the Windows path checks (no provider drives
 * such as `HKLM:`, `Env:`, `Cert:`; no wildcards, which PowerShell
 * providers expand).
 *
 * Source: Microsoft PowerShell 5.1 cmdlet reference
 * (MicrosoftDocs/PowerShell-Docs, reference/5.1/<module>/<cmdlet>.md):
 * parameter names, which take values and the positional order.
 *
 * @example
 * ```ts
 * import { POWERSHELL } from "./powershell.ts";
 * const gs = POWERSHELL.find((g) => g.program === "get-service")!;
 * gs.check(["W32Time"]); gs.check(["-Name", "W32Time"]); // fine
 * try { gs.check(["-ComputerName", "dc01"]); } catch (e) { console.log((e as Error).message); }
 * ```
 *
 * @module
 */

import { checkPath, checkRecursiveRoot } from "./paths.ts";
import { type Grammar, GrammarRefusal, type WordCheck } from "./types.ts";
import { ascii, integer, names, oneOf, shaped } from "./words.ts";

const SOURCE = "Microsoft PowerShell 5.1 reference (MicrosoftDocs/PowerShell-Docs " +
  "reference/5.1/MODULE/CMDLET.md)";

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

interface CmdletSpec {
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

const COMMON: Record<string, WordCheck | null> = {
  ErrorAction: oneOf(["SilentlyContinue", "Stop", "Continue", "Ignore"]),
  WarningAction: oneOf(["SilentlyContinue", "Stop", "Continue", "Ignore"]),
};

const MGMT = "Microsoft.PowerShell.Management";
const UTIL = "Microsoft.PowerShell.Utility";

const CMDLETS: readonly CmdletSpec[] = [
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

function cmdletGrammar(c: CmdletSpec): Grammar {
  const params = { ...c.params, ...COMMON };
  const byLower = new Map(Object.keys(params).map((p) => [p.toLowerCase(), p]));
  const positional = c.positional ?? [];
  const synopsis = `${c.name} ${
    Object.entries(c.params).map(([p, v]) => (v === null ? `[-${p}]` : `[-${p} VALUE]`)).join(" ")
  }${positional.length ? `  (positional: ${positional.join(", ")})` : ""}`;
  const refuse = (msg: string): never => {
    throw new GrammarRefusal("arguments", `${c.name}: ${msg}`);
  };
  return {
    program: c.name.toLowerCase(),
    source: SOURCE.replace("MODULE", c.module).replace("CMDLET", c.name),
    synopsis,
    check(args) {
      const given = new Map<string, string | boolean>();
      let next = 0;
      for (let i = 0; i < args.length; i++) {
        const w = args[i];
        ascii(w, `${c.name}: the argument`);
        if (/^-[A-Za-z]/.test(w)) {
          const colon = w.indexOf(":");
          const typed = colon < 0 ? w.slice(1) : w.slice(1, colon);
          const name = byLower.get(typed.toLowerCase());
          if (!name) {
            const full = [...byLower.values()].filter((p) =>
              p.toLowerCase().startsWith(typed.toLowerCase())
            );
            refuse(
              `parameter -${typed} is not allowed` +
                (full.length
                  ? ` (write the full name: -${full.join(" or -")}; prefixes are refused)`
                  : ` (allowed: ${Object.keys(c.params).map((p) => `-${p}`).join(" ")})`),
            );
          }
          const check = params[name!];
          if (check === null) {
            if (colon >= 0 && !/^\$(true|false)$/i.test(w.slice(colon + 1))) {
              refuse(`switch -${name} takes only :$true or :$false`);
            }
            // -Recurse:$false is the switch turned off.
            given.set(name!, colon < 0 || !/^\$false$/i.test(w.slice(colon + 1)));
            continue;
          }
          const v = colon >= 0 ? w.slice(colon + 1) : args[++i];
          if (v === undefined) refuse(`parameter -${name} needs a value`);
          check(v!, `the value of -${name}`);
          given.set(name!, v!);
          continue;
        }
        // A positional value binds to the next positional parameter not given by name.
        while (next < positional.length && given.has(positional[next])) next++;
        const p = positional[next++];
        if (!p) refuse(`${JSON.stringify(w)} is not a parameter and no positional is left`);
        params[p]!(w, `${c.name} -${p}`);
        given.set(p, w);
      }
      if (c.recursive && given.get(c.recursive) === true) {
        const roots = (c.paths ?? []).map((p) => given.get(p)).filter((v) => typeof v === "string");
        if (roots.length === 0) {
          refuse(
            `-${c.recursive} without -Path walks the current directory (C:\\Windows\\System32)`,
          );
        }
        for (const r of roots) checkRecursiveRoot(r as string, `${c.name} -${c.recursive}`);
      }
    },
  };
}

/** The cmdlet grammars (program names lower case, as the policy matches them). */
export const POWERSHELL: readonly Grammar[] = CMDLETS.map(cmdletGrammar);
