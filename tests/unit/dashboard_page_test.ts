/**
 * The committed dashboard page is what the view's source builds today, and
 * it is self-contained: no URL the page could load, no remote font.
 *
 * @module
 */

import { assert, assertEquals } from "../support/assert.ts";
import { buildModule, GENERATED } from "../../scripts/build_dashboard.ts";
import { DASHBOARD_HTML } from "../../src/tools/dashboard/view/page.gen.ts";

Deno.test("page.gen.ts is up to date with src/tools/dashboard/view (deno task build:dashboard)", async () => {
  assertEquals(await Deno.readTextFile(GENERATED), await buildModule());
});

Deno.test("the dashboard page loads nothing from anywhere", () => {
  for (
    const bad of [
      /<script[^>]+src=/i,
      /<link[^>]+href=/i,
      /@import/i,
      /url\(\s*['"]?(https?:)?\/\//i,
      /@font-face/i,
    ]
  ) {
    assert(!bad.test(DASHBOARD_HTML), `page contains ${bad}`);
  }
  assert(DASHBOARD_HTML.startsWith("<!doctype html>"));
});
