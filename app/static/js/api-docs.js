// Renders /api/v1/openapi.json as a list of operations: self-hosted, no CDN (CSP 'self').
(function () {
  "use strict";
  var box = document.getElementById("ops");
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }
  fetch("openapi.json").then(function (r) { return r.json(); }).then(function (spec) {
    box.textContent = "";
    Object.keys(spec.paths).sort().forEach(function (path) {
      var item = spec.paths[path];
      Object.keys(item).forEach(function (method) {
        var op = item[method];
        var div = el("div", null, "op");
        var head = el("div");
        head.appendChild(el("span", method, "m"));
        head.appendChild(el("code", path));
        div.appendChild(head);
        if (op.summary) { div.appendChild(el("p", op.summary)); }
        (op.parameters || []).forEach(function (p) {
          div.appendChild(el("div", "• " + p.name + " (" + p.in + ")" + (p.required ? " wajib" : "")));
        });
        var body = op.requestBody && op.requestBody.content && op.requestBody.content["application/json"];
        if (body) { div.appendChild(el("pre", JSON.stringify(body.schema, null, 2))); }
        div.appendChild(el("div", "Jawaban: " + Object.keys(op.responses || {}).join(", ")));
        box.appendChild(div);
      });
    });
  }).catch(function () { box.textContent = "Dokumen OpenAPI tidak dapat dimuat."; });
}());
