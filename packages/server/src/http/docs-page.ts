import type { Express } from 'express';

// The interactive API docs: one static HTML page, one script and one style sheet, all served by the app
// itself (no CDN, no inline script or style), so the strict Content-Security-Policy ('self' only) holds.
// The script reads /openapi.json, lists the operations with their schemas, and sends requests with an
// admin token the user types in; the token lives in the page's memory only (never stored).

/** The docs page. */
export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Haven issuer API</title>
<link rel="stylesheet" href="/docs/docs.css">
<script src="/docs/docs.js" defer></script>
</head>
<body>
<header>
<h1>Haven issuer API</h1>
<p id="info"></p>
<label>Admin token <input id="token" type="password" autocomplete="off" spellcheck="false" placeholder="kept in this page only"></label>
</header>
<main id="operations"><p>Loading /openapi.json ...</p></main>
</body>
</html>
`;

/** The docs page's style sheet. */
export const DOCS_CSS = `body{font-family:system-ui,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
header{padding:1rem 2rem;background:#213547;color:#fff}header label{display:block;margin-top:.5rem}
header input{width:28rem;max-width:90%;font-family:monospace}
main{padding:1rem 2rem}h2{margin-top:2rem;border-bottom:1px solid #ccc}
details{background:#fff;border:1px solid #ddd;border-radius:6px;margin:.5rem 0;padding:.5rem 1rem}
summary{cursor:pointer}.method{display:inline-block;width:4.5rem;font-weight:700;font-family:monospace}
.get{color:#0b6e4f}.post{color:#9a4b00}.path{font-family:monospace}
pre{background:#f3f3f3;padding:.5rem;overflow:auto;max-height:24rem}
textarea{width:100%;min-height:8rem;font-family:monospace}
.param{display:block;margin:.25rem 0}.param input{font-family:monospace;width:20rem}
button{margin:.5rem 0;padding:.3rem 1rem}.status{font-weight:700}
`;

/** The docs page's script (plain browser JavaScript; builds the DOM with textContent only). */
export const DOCS_JS = `'use strict';
(function () {
  var tokenInput = document.getElementById('token');
  var main = document.getElementById('operations');
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }
  function pretty(value) { return JSON.stringify(value, null, 2); }
  function resolveRefs(doc, schema, depth) {
    if (!schema || typeof schema !== 'object' || depth > 8) return schema;
    if (typeof schema.$ref === 'string' && schema.$ref.indexOf('#/components/schemas/') === 0) {
      return resolveRefs(doc, doc.components.schemas[schema.$ref.slice(21)], depth + 1);
    }
    var out = Array.isArray(schema) ? [] : {};
    Object.keys(schema).forEach(function (key) { out[key] = resolveRefs(doc, schema[key], depth + 1); });
    return out;
  }
  function operationView(doc, method, path, op) {
    var box = el('details');
    var summary = el('summary');
    summary.appendChild(el('span', method.toUpperCase(), 'method ' + method));
    summary.appendChild(el('span', path, 'path'));
    summary.appendChild(el('span', ' - ' + (op.summary || '')));
    box.appendChild(summary);
    var inputs = {};
    (op.parameters || []).forEach(function (p) {
      var label = el('label', p.name + ' (' + p.in + (p.required ? ', required' : '') + ') ', 'param');
      var input = el('input');
      input.setAttribute('spellcheck', 'false');
      label.appendChild(input);
      box.appendChild(label);
      inputs[p.in + ':' + p.name] = input;
    });
    var body = null;
    var bodyType = null;
    if (op.requestBody && op.requestBody.content) {
      bodyType = Object.keys(op.requestBody.content)[0];
      var schema = resolveRefs(doc, op.requestBody.content[bodyType].schema, 0);
      box.appendChild(el('p', 'Request body (' + bodyType + '):'));
      box.appendChild(el('pre', pretty(schema)));
      body = el('textarea');
      body.value = bodyType === 'application/json' ? '{}' : '';
      box.appendChild(body);
    }
    var responses = el('pre', pretty(resolveRefs(doc, op.responses, 0)));
    box.appendChild(el('p', 'Responses:'));
    box.appendChild(responses);
    var button = el('button', 'Send');
    var result = el('pre', '');
    var status = el('p', '', 'status');
    button.addEventListener('click', function () {
      var url = path.replace(/\\{([^}]+)\\}/g, function (_m, name) {
        var input = inputs['path:' + name];
        return encodeURIComponent(input ? input.value : '');
      });
      var query = new URLSearchParams();
      Object.keys(inputs).forEach(function (key) {
        if (key.indexOf('query:') === 0 && inputs[key].value !== '') query.append(key.slice(6), inputs[key].value);
      });
      var qs = query.toString();
      var headers = {};
      if (op.security && tokenInput.value) headers.Authorization = 'Bearer ' + tokenInput.value;
      var init = { method: method.toUpperCase(), headers: headers, credentials: 'omit', cache: 'no-store' };
      if (body && body.value !== '') { headers['Content-Type'] = bodyType; init.body = body.value; }
      status.textContent = 'Sending ...';
      fetch(url + (qs ? '?' + qs : ''), init).then(function (res) {
        status.textContent = res.status + ' ' + res.statusText;
        return res.text();
      }).then(function (text) {
        try { result.textContent = pretty(JSON.parse(text)); } catch (e) { result.textContent = text; }
      }).catch(function () { status.textContent = 'The request failed'; });
    });
    box.appendChild(button);
    box.appendChild(status);
    box.appendChild(result);
    return box;
  }
  fetch('/openapi.json', { credentials: 'omit' }).then(function (res) { return res.json(); }).then(function (doc) {
    document.getElementById('info').textContent = doc.info.title + ' ' + doc.info.version + ' - ' + doc.info.description;
    main.textContent = '';
    (doc.tags || []).forEach(function (tag) {
      main.appendChild(el('h2', tag.name));
      main.appendChild(el('p', tag.description || ''));
      Object.keys(doc.paths).forEach(function (path) {
        Object.keys(doc.paths[path]).forEach(function (method) {
          var op = doc.paths[path][method];
          if ((op.tags || []).indexOf(tag.name) >= 0) main.appendChild(operationView(doc, method, path, op));
        });
      });
    });
  }).catch(function () { main.textContent = 'Could not load /openapi.json'; });
})();
`;

/**
 * `GET /docs` (the page), `/docs/docs.js` and `/docs/docs.css`.
 *
 * @example
 * ```ts
 * registerDocsRoutes(app);
 * ```
 */
export function registerDocsRoutes(app: Express): void {
  const send = (path: string, type: string, content: string) =>
    app.get(path, (_req, res) => {
      res.set('Content-Type', type);
      res.set('Cache-Control', 'no-cache');
      res.send(Buffer.from(content, 'utf8'));
    });
  send('/docs', 'text/html; charset=utf-8', DOCS_HTML);
  send('/docs/docs.js', 'text/javascript; charset=utf-8', DOCS_JS);
  send('/docs/docs.css', 'text/css; charset=utf-8', DOCS_CSS);
}
