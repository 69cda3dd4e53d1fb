/**
 * `/version` and `/access/permissions`.
 *
 * @module
 */

import { normalizeAclPath, privsAt, ROLES, type SimToken } from "../acl.ts";
import { PVE_VERSION } from "../builders.ts";
import { PveError, type RouteTable } from "../routing.ts";

// A token without privilege separation has exactly its user's privileges.
function userAcl(t: SimToken): SimToken["acl"] {
  if (t.privsep === false) return t.acl;
  return t.userAcl ?? { "/": Object.fromEntries(ROLES.Administrator.map((p) => [p, 1 as const])) };
}

/** Routes of this family. */
export const ACCESS_ROUTES: RouteTable = {
  "GET /version": () => ({ ...PVE_VERSION, console: "html5" }),

  "GET /access/permissions": (ctx) => {
    const userid = ctx.params.userid as string | undefined;
    // Any token may dump its own permissions; others need Sys.Audit on /access.
    if (userid !== undefined && userid !== ctx.tokenId && !ctx.can("/access", ["Sys.Audit"])) {
      throw new PveError(403, "Permission check failed (/access, Sys.Audit)");
    }
    const acl = userid === ctx.token.user ? userAcl(ctx.token) : ctx.token.acl;
    const path = ctx.params.path as string | undefined;
    if (path !== undefined) {
      const p = normalizeAclPath(path);
      return { [p]: privsAt(acl, p) };
    }
    return structuredClone(acl);
  },
};
