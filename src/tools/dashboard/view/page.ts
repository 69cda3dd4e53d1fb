/**
 * The page around the bundled script: markup skeleton and stylesheet, light
 * and dark palettes (chosen by the host's theme), a layout that stacks at
 * narrow widths. No external URL anywhere: the CSP of an MCP App with empty
 * domain lists would refuse it, and the page must not call out.
 *
 * @example
 * ```ts
 * import { pageHtml } from "./page.ts";
 * console.log(pageHtml("/*js*\/").startsWith("<!doctype html>")); // true
 * ```
 *
 * @module
 */

const CSS = `
:root{--bg:#fff;--fg:#1d2330;--mute:#5b6475;--card:#f4f6f9;--line:#d9dee7;--ok:#1f8f4e;--warn:#b7791f;--crit:#c53030;--acc:#2b6cb0;--s1:#dd6b20;color-scheme:light}
:root[data-theme=dark]{--bg:#14171c;--fg:#e6e9ef;--mute:#9aa3b2;--card:#1e232b;--line:#303844;--ok:#48bb78;--warn:#ecc94b;--crit:#fc6b6b;--acc:#63b3ed;--s1:#f6ad55;color-scheme:dark}
*{box-sizing:border-box}body{margin:0;padding:12px;background:var(--bg);color:var(--fg);font:13px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
h1{font-size:17px;margin:0 8px 0 0}h2{font-size:14px;margin:16px 0 6px}h3{font-size:12px;margin:8px 0 4px;color:var(--mute)}
header{display:flex;flex-wrap:wrap;align-items:center;gap:6px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;border:1px solid currentColor}
.ok{color:var(--ok)}.warn{color:var(--warn)}.crit{color:var(--crit)}.info,.unknown{color:var(--mute)}
#warnings{margin:6px 0;padding-left:18px;color:var(--warn)}
#nodes{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:8px}
.node{all:unset;cursor:pointer;display:flex;flex-direction:column;gap:4px;padding:8px;border:1px solid var(--line);border-radius:8px;background:var(--card)}
.node:focus-visible{outline:2px solid var(--acc)}
.node.offline{cursor:default;border:2px solid var(--crit);background:repeating-linear-gradient(45deg,var(--card),var(--card) 8px,transparent 8px,transparent 16px)}
.down{color:var(--crit);margin:0}
.bar{display:flex;flex-direction:column;gap:2px;font-size:11px;color:var(--mute)}
.track{display:block;height:6px;border-radius:3px;background:var(--line);overflow:hidden}
.fill{display:block;height:100%}.fill.ok{background:var(--ok)}.fill.warn{background:var(--warn)}.fill.crit{background:var(--crit)}
.panel{border:1px solid var(--line);border-radius:8px;padding:8px}
#timeframes{display:inline-flex;gap:4px;margin-left:8px}
button{font:inherit;color:inherit}
.tf,.act,.c-id{border:1px solid var(--line);background:var(--card);border-radius:6px;padding:1px 8px;cursor:pointer}
.act.shutdown,.act.reboot{border-color:var(--warn)}
#charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:8px;min-height:130px}
.chart{margin:0}.chart figcaption{font-size:11px;color:var(--mute)}
.chart svg{width:100%;height:90px;display:block}
.chart .axis{stroke:var(--line)}.chart .line{fill:none;stroke-width:1.5}
.chart .s0{stroke:var(--acc)}.chart .s1{stroke:var(--s1)}
.toolbar{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin-bottom:6px}
.toolbar input,.toolbar select{font:inherit;color:inherit;background:var(--card);border:1px solid var(--line);border-radius:6px;padding:2px 6px}
.toolbar input{flex:1 1 160px}.count{color:var(--mute);font-size:12px}
.scroller{overflow:auto;border:1px solid var(--line);border-radius:8px;contain:strict}
.spacer{position:relative}.rows{position:absolute;left:0;right:0;top:0}
.row{display:grid;grid-template-columns:56px minmax(0,1.4fr) 110px 60px minmax(0,1fr) 44px 130px 70px 230px;gap:6px;align-items:center;height:34px;padding:0 6px;border-bottom:1px solid var(--line);white-space:nowrap;min-width:880px}
.row>span{overflow:hidden;text-overflow:ellipsis}
.c-num{text-align:right;font-variant-numeric:tabular-nums}
.st-running{color:var(--ok)}.st-stopped{color:var(--mute)}.st-paused{color:var(--warn)}.st-template{color:var(--mute);font-style:italic}
.tag{display:inline-block;margin-right:3px;padding:0 5px;border-radius:8px;background:var(--line);font-size:11px}
.lock{color:var(--warn);font-style:normal}
.c-act{display:flex;gap:4px}
.store{display:grid;grid-template-columns:minmax(120px,1fr) 2fr;gap:8px;align-items:center;padding:3px 0}
.store.na{color:var(--crit)}
#tasks ul{margin:0;padding-left:18px}#tasks .fail{color:var(--crit)}
.status{min-height:20px;margin:6px 0;font-size:12px}.status.error{color:var(--crit)}.status.ok{color:var(--ok)}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:12px}
@media (max-width:640px){.cols{grid-template-columns:1fr}body{padding:8px}.store{grid-template-columns:1fr}}
`;

const BODY =
  `<header id="header"><h1>Proxmox VE</h1><span class="badge info">waiting for data…</span></header>
<ul id="warnings"></ul>
<section><h2>Nodes</h2><div id="nodes"></div></section>
<section class="panel"><h2 id="chart-title" style="display:inline">Metrics</h2><span id="timeframes"></span><div id="charts"></div></section>
<section><h2>Guests</h2><div id="status" class="status" role="status" aria-live="polite"></div><div id="guests"></div></section>
<div class="cols"><section><h2>Storage</h2><div id="storage"></div></section><section><h2>Tasks</h2><div id="tasks"></div></section></div>`;

/** The whole document around `script` (a bundled ES module). */
export function pageHtml(script: string): string {
  // "</script" inside the bundle would end the element early.
  const safe = script.replaceAll("</script", "<\\/script");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>Proxmox cluster</title><style>${CSS.trim()}</style></head><body>${BODY}` +
    `<script type="module">${safe}</script></body></html>\n`;
}
