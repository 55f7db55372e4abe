"""GET /docs: a self-contained page that renders the app's own OpenAPI document.

FastAPI's default docs pages load Swagger UI / ReDoc from a CDN, which fails on the
offline or locked-down networks screening services run in. This page has no external
resource at all: plain HTML, CSS and a little JavaScript that fetches ``openapi.json``
from the same service, lists every operation with its parameters, request and response
schemas, and can send a request with your API key.
"""

DOCS_HTML = r"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>watchlist API</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
header{background:#123;color:#fff;padding:14px 24px}header h1{margin:0;font-size:20px}
main{max-width:1000px;margin:0 auto;padding:16px 24px}
details{background:#fff;border:1px solid #ddd;border-radius:6px;margin:8px 0}
summary{cursor:pointer;padding:8px 12px;font-family:ui-monospace,monospace}
.m{display:inline-block;min-width:64px;font-weight:bold}.GET{color:#0a6}.POST{color:#06c}.DELETE{color:#c30}
.s{color:#555;font-family:system-ui,sans-serif;margin-left:8px}
.body{padding:0 14px 12px}pre{background:#f3f3f3;padding:8px;overflow:auto;font-size:12.5px;max-height:360px}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;font-size:13px}
textarea{width:100%;height:110px;font-family:ui-monospace,monospace}input{font-family:ui-monospace,monospace}
h2{margin-top:24px;font-size:17px}
</style></head><body>
<header><h1 id="title">watchlist API</h1><div id="sub"></div></header>
<main>
<p>API key (stays in this page): <input id="key" size="60" placeholder="wl_..."></p>
<div id="ops">Loading openapi.json&hellip;</div>
</main>
<script>
"use strict";
let spec = null;
function esc(s){return String(s).replace(/[&<>"]/g,c=>({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;"}[c]));}
function deref(o, depth){
  depth = depth || 0;
  if (depth > 8 || o === null || typeof o !== "object") return o;
  if (Array.isArray(o)) return o.map(x => deref(x, depth + 1));
  if (o.$ref){const name=o.$ref.split("/").pop();return Object.assign({title:name},deref(spec.components.schemas[name],depth+1));}
  const out = {};
  for (const k in o) out[k] = deref(o[k], depth + 1);
  return out;
}
function el(tag, html){const e=document.createElement(tag); if(html!==undefined) e.innerHTML=html; return e;}
function render(){
  document.getElementById("title").textContent = spec.info.title + " " + spec.info.version;
  document.getElementById("sub").textContent = spec.info.description || "";
  const root = document.getElementById("ops"); root.innerHTML = "";
  const byTag = {};
  for (const path in spec.paths) for (const method in spec.paths[path]) {
    const op = spec.paths[path][method]; const tag = (op.tags||["other"])[0];
    (byTag[tag] = byTag[tag] || []).push([method.toUpperCase(), path, op]);
  }
  for (const tag in byTag) {
    root.appendChild(el("h2", esc(tag)));
    for (const [method, path, op] of byTag[tag]) {
      const d = el("details");
      d.appendChild(el("summary", `<span class="m ${method}">${method}</span>${esc(path)}<span class="s">${esc(op.summary||"")}</span>`));
      const b = el("div"); b.className = "body";
      if (op.description) b.appendChild(el("p", esc(op.description)));
      b.appendChild(el("p", op.security ? "Needs an API key." : "No key needed."));
      const params = op.parameters || [];
      if (params.length) {
        let t = "<tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr>";
        for (const p of params) t += `<tr><td>${esc(p.name)}</td><td>${p.in}</td><td>${p.required?"yes":""}</td><td><code>${esc(JSON.stringify(deref(p.schema)))}</code></td></tr>`;
        b.appendChild(el("table", t));
      }
      let example = "";
      if (op.requestBody) {
        const media = op.requestBody.content["application/json"];
        b.appendChild(el("p", "<b>Request body</b>"));
        b.appendChild(el("pre", esc(JSON.stringify(deref(media.schema), null, 2))));
        if (media.examples) example = JSON.stringify(Object.values(media.examples)[0].value, null, 2);
      }
      b.appendChild(el("p", "<b>Responses</b>"));
      for (const code in op.responses) {
        const r = op.responses[code]; const c = r.content && (r.content["application/json"] || Object.values(r.content)[0]);
        b.appendChild(el("div", `<code>${code}</code> ${esc(r.description||"")}`));
        if (c && c.schema) b.appendChild(el("pre", esc(JSON.stringify(deref(c.schema), null, 2))));
      }
      const form = el("div");
      const url = el("input"); url.size = 60; url.value = path;
      form.appendChild(el("b", "Try it: ")); form.appendChild(url);
      let body = null;
      if (op.requestBody) { body = el("textarea"); body.value = example || "{}"; form.appendChild(body); }
      const send = el("button", "Send"); const out = el("pre");
      send.onclick = async () => {
        const headers = {"Content-Type": "application/json"};
        const key = document.getElementById("key").value.trim();
        if (key) headers["Authorization"] = "Bearer " + key;
        try {
          const r = await fetch(url.value, {method, headers, body: body ? body.value : undefined});
          const text = await r.text();
          let shown = text; try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch (e) {}
          out.textContent = r.status + " " + r.statusText + "\n" + shown;
        } catch (e) { out.textContent = String(e); }
      };
      form.appendChild(el("br")); form.appendChild(send); form.appendChild(out);
      b.appendChild(form); d.appendChild(b); root.appendChild(d);
    }
  }
}
fetch("openapi.json").then(r => r.json()).then(s => { spec = s; render(); })
  .catch(e => { document.getElementById("ops").textContent = "Could not load openapi.json: " + e; });
</script></body></html>
"""
