/**
 * `/version` and `/access/permissions`.
 *
 * @module
 */

import { normalizeAclPath, privsAt, ROLES, type SimToken } from "../acl.ts";
import { PveError, type RouteTable } from "../routing.ts";
import { type PveRelease, rolePrivilegesIn } from "../versions.ts";

// A token without privilege separation has exactly its user's privileges.
function userAcl(t: SimToken, release: PveRelease): SimToken["acl"] {
  if (t.privsep === false) return t.acl;
  const admin = rolePrivilegesIn(release, ROLES.Administrator);
  return t.userAcl ?? { "/": Object.fromEntries(admin.map((p) => [p, 1 as const])) };
}

/** Routes of this family. */
export const ACCESS_ROUTES: RouteTable = {
  "GET /version": (ctx) => {
    const { version, release, repoid } = ctx.state.pveRelease;
    return { version, release, repoid, console: "html5" };
  },

  "GET /access/permissions": (ctx) => {
    const userid = ctx.params.userid as string | undefined;
    // Any token may dump its own permissions; others need Sys.Audit on /access.
    if (userid !== undefined && userid !== ctx.tokenId && !ctx.can("/access", ["Sys.Audit"])) {
      throw new PveError(403, "Permission check failed (/access, Sys.Audit)");
    }
    const acl = userid === ctx.token.user
      ? userAcl(ctx.token, ctx.state.pveRelease)
      : ctx.token.acl;
    const path = ctx.params.path as string | undefined;
    if (path !== undefined) {
      const p = normalizeAclPath(path);
      return { [p]: privsAt(acl, p) };
    }
    return structuredClone(acl);
  },
};
