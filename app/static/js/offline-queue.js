/* Offline queue for any <form data-offline-queue="NAME"> with a hidden instance_id.
   Progressive enhancement: without JavaScript the form posts normally.
   A submission is written to the device (localStorage) BEFORE it is sent, and is
   removed only when the server answers {"status": "ok" | "duplicate"}. The server
   stores each instance_id once, so resending is always safe. */
(function () {
  "use strict";
  var KEY = "pantau-queue-v1", TIMEOUT = 20000, BASE = 30000, MAX = 600000;
  var MSG = {
    pending: "Jawaban tersimpan di perangkat ini dan akan dikirim otomatis saat ada sinyal.",
    session: "Sesi berakhir — silakan masuk lagi; data antrean tidak hilang.",
    invalid: "Periksa kembali isian yang ditandai.",
    sent: "Terkirim. Terima kasih!"
  };
  var delay = BASE, timer = null, flushing = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY)) || []; } catch (e) { return []; }
  }
  function save(q) {
    try { localStorage.setItem(KEY, JSON.stringify(q)); return true; } catch (e) { return false; }
  }
  function without(id) { return load().filter(function (i) { return i.id !== id; }); }
  function put(item) { var q = without(item.id); q.push(item); return save(q); }
  function drop(id) { save(without(id)); }
  function mark(item, hold) {
    var q = load();
    q.forEach(function (i) { if (i.id === item.id) { i.hold = hold; i.tries = (i.tries || 0) + 1; } });
    save(q);
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16)), h = "";
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    for (var i = 0; i < 16; i++) h += (b[i] + 256).toString(16).slice(1);
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }

  function pairs(form) {
    var out = [];
    new FormData(form).forEach(function (v, k) { if (typeof v === "string") out.push([k, v]); });
    return out;
  }
  function field(item, name) {
    for (var i = 0; i < item.fields.length; i++) if (item.fields[i][0] === name) return item.fields[i];
    return null;
  }

  /* Session forms carry csrf_token: take a fresh one first, the queued one may have expired. */
  function refreshCsrf(item) {
    var slot = field(item, "csrf_token");
    if (!slot) return Promise.resolve(true);
    return fetch("/csrf-token", {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (d) { slot[1] = d.csrf_token; return d.authenticated !== false; });
  }

  /* Resolves to {kind: sent|pending|session|invalid, data}. Never rejects. */
  function send(item) {
    var session = !!field(item, "csrf_token");
    return refreshCsrf(item).then(function (loggedIn) {
      if (!loggedIn) return {kind: "session", data: {}};
      var ctrl = window.AbortController ? new AbortController() : null;
      var t = setTimeout(function () { if (ctrl) ctrl.abort(); }, TIMEOUT);
      return fetch(item.action, {
        method: "POST", body: new URLSearchParams(item.fields), credentials: "same-origin",
        headers: {"Accept": "application/json"}, signal: ctrl ? ctrl.signal : undefined
      }).then(function (res) {
        clearTimeout(t);
        return res.json().catch(function () { return {}; }).then(function (data) {
          var s = res.status;
          if (s >= 200 && s < 300 && (data.status === "ok" || data.status === "duplicate")) return {kind: "sent", data: data};
          if (s === 0 || s >= 500 || s === 429) return {kind: "pending", data: data};
          if (s === 401 || s === 403 || res.redirected || (session && s === 400 && !data.errors)) return {kind: "session", data: data};
          if (s >= 400) return {kind: "invalid", data: data};
          return {kind: session ? "session" : "pending", data: data};
        });
      });
    }).catch(function () { return {kind: "pending", data: {}}; });
  }

  function attempt(item) {
    return send(item).then(function (out) {
      if (out.kind === "sent") { drop(item.id); delay = BASE; }
      else if (out.kind === "invalid") mark(item, "invalid");
      else mark(item, null);
      return out;
    });
  }

  function flush() {
    var q = load().filter(function (i) { return !i.hold; });
    if (flushing || !q.length) { render(); return; }
    flushing = true;
    q.reduce(function (p, item) { return p.then(function () { return attempt(item); }); }, Promise.resolve())
      .then(function () { flushing = false; render(); schedule(); });
  }
  function schedule() {
    clearTimeout(timer);
    if (!load().some(function (i) { return !i.hold; })) return;
    timer = setTimeout(flush, delay);
    delay = Math.min(delay * 2, MAX);
  }

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function render() {
    var q = load();
    Array.prototype.forEach.call(document.querySelectorAll("[data-queue-status]"), function (box) {
      box.textContent = "";
      if (!q.length) return;
      var wrap = el("div", null, "flash");
      wrap.appendChild(el("strong", q.length + " jawaban tersimpan di perangkat ini, menunggu dikirim:"));
      var ul = el("ul");
      q.forEach(function (i) {
        ul.appendChild(el("li", i.label + " — " + new Date(i.at).toLocaleString("id-ID") +
          (i.hold === "invalid" ? " (perlu diperbaiki)" : "")));
      });
      wrap.appendChild(ul);
      var b = el("button", "Kirim sekarang");
      b.type = "button";
      b.addEventListener("click", function () { delay = BASE; flush(); });
      wrap.appendChild(b);
      box.appendChild(wrap);
    });
  }

  function notice(form, text, cls, login) {
    var n = form.querySelector("[data-queue-notice]");
    if (!n) { n = el("p"); n.setAttribute("data-queue-notice", ""); n.setAttribute("role", "status"); form.appendChild(n); }
    n.textContent = text;
    n.className = "flash " + (cls || "");
    if (login) {
      var a = el("a", "Masuk");
      a.href = "/login?next=" + encodeURIComponent(location.pathname);
      n.appendChild(document.createTextNode(" "));
      n.appendChild(a);
    }
    n.hidden = false;
  }
  function showErrors(form, errors) {
    Array.prototype.forEach.call(form.querySelectorAll("[data-q-err]"), function (e) { e.remove(); });
    Object.keys(errors || {}).forEach(function (name) {
      var input = form.elements[name];
      var target = input && (input.length && !input.tagName ? input[0] : input);
      var box = target ? (target.closest("fieldset, .field") || form) : form;
      box.classList.add("has-error");
      (errors[name] || []).forEach(function (msg) {
        var p = el("p", msg, "error");
        p.setAttribute("data-q-err", "");
        box.appendChild(p);
      });
    });
  }
  function fresh(form) {
    form.reset();
    form.elements.instance_id.value = uuid();
  }

  function onSubmit(ev) {
    var form = ev.target;
    var item = {
      id: form.elements.instance_id.value, queue: form.getAttribute("data-offline-queue"),
      label: form.getAttribute("data-queue-label") || document.title,
      action: form.action, fields: pairs(form), at: Date.now()
    };
    if (!put(item)) return; /* no device storage: let the browser post the form itself */
    ev.preventDefault();
    var button = form.querySelector("[type=submit]");
    if (button) button.disabled = true;
    attempt(item).then(function (out) {
      if (button) button.disabled = false;
      if (out.kind === "sent") {
        if (out.data.redirect) { location.assign(out.data.redirect); return; }
        fresh(form);
        notice(form, out.data.message || MSG.sent, "success");
      } else if (out.kind === "pending") {
        fresh(form);
        notice(form, MSG.pending);
        schedule();
      } else if (out.kind === "session") {
        notice(form, MSG.session, "error", true);
      } else {
        showErrors(form, out.data.errors);
        notice(form, out.data.message || MSG.invalid, "error");
      }
      render();
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-offline-queue]"), function (form) {
      if (!form.elements.instance_id) return;
      if (!form.hasAttribute("data-keep-instance-id")) form.elements.instance_id.value = uuid();
      form.addEventListener("submit", onSubmit);
    });
    window.addEventListener("online", function () { delay = BASE; flush(); });
    render();
    flush();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
}());
