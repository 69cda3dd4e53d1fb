/**
 * `/version` and `/access/permissions`.
 *
 * @module
 */

import { normalizeAclPath, privsAt } from "../acl.ts";
import { PVE_VERSION } from "../builders.ts";
import { PveError, type RouteTable } from "../routing.ts";

/** Routes of this family. */
export const ACCESS_ROUTES: RouteTable = {
  "GET /version": () => ({ ...PVE_VERSION, console: "html5" }),

  "GET /access/permissions": (ctx) => {
    const userid = ctx.params.userid as string | undefined;
    // Any token may dump its own permissions; others need Sys.Audit on /access.
    if (userid !== undefined && userid !== ctx.tokenId && !ctx.can("/access", ["Sys.Audit"])) {
      throw new PveError(403, "Permission check failed (/access, Sys.Audit)");
    }
    const path = ctx.params.path as string | undefined;
    if (path !== undefined) {
      const p = normalizeAclPath(path);
      return { [p]: privsAt(ctx.token.acl, p) };
    }
    return structuredClone(ctx.token.acl);
  },
};
