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
import { checkRecursiveRoot } from "./paths.ts";
import { type Grammar, GrammarRefusal, type WordCheck } from "./types.ts";
import { ascii, oneOf } from "./words.ts";
import { CMDLETS, type CmdletSpec } from "./powershell_cmdlets.ts";

const SOURCE = "Microsoft PowerShell 5.1 reference (MicrosoftDocs/PowerShell-Docs " +
  "reference/5.1/MODULE/CMDLET.md)";

const COMMON: Record<string, WordCheck | null> = {
  ErrorAction: oneOf(["SilentlyContinue", "Stop", "Continue", "Ignore"]),
  WarningAction: oneOf(["SilentlyContinue", "Stop", "Continue", "Ignore"]),
};

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
