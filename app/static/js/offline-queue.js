/* Device outbox on the pages (docs/OFFLINE.md). Queues any <form data-offline-queue> with a hidden
   instance_id in IndexedDB BEFORE sending (outbox-core.js); survey items belong to "anonymous", a
   monitor's to "user:<id>" (meta pantau-user), and only the signed-in user's are sent. Retries on page
   load, online, focus, visibility, Background Sync and a backoff timer. Without JavaScript forms post. */
(function () {
  "use strict";
  if (window.PantauOutbox || !window.indexedDB || !window.PantauCore) return;
  var C = PantauCore, BASE = 5000, delay = BASE, timer = null, busy = false;
  var meta = document.querySelector("meta[name=pantau-user]"), ME = meta ? "user:" + meta.content : null;
  var STATE = {waiting: "Menunggu dikirim", sending: "Sedang dikirim", fixing: "Perlu diperbaiki",
    conflict: "Bentrok dengan catatan yang ada", sent: "Terkirim", discarded: "Dibuang"};
  var PENDING = "Jawaban tersimpan di perangkat ini dan akan dikirim otomatis saat ada sinyal.";
  var O = window.PantauOutbox = {me: ME, hooks: [], session: false};

  function uuid() { /* v4; crypto.randomUUID needs HTTPS, getRandomValues does not */
    var b = crypto.getRandomValues(new Uint8Array(16)), h = "";
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    for (var i = 0; i < 16; i++) h += (b[i] + 256).toString(16).slice(1);
    return h.replace(/^(.{8})(.{4})(.{4})(.{4})/, "$1-$2-$3-$4-");
  }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function each(sel, fn) { Array.prototype.forEach.call(document.querySelectorAll(sel), fn); }
  function owners() { return ME ? ["anonymous", ME] : ["anonymous"]; }
  function btn(text, fn) { var b = el("button", text); b.type = "button"; b.onclick = fn; return b; }
  function link(text, href) { var a = el("a", text); a.href = href; return a; }
  function sw() { return "serviceWorker" in navigator ? navigator.serviceWorker.ready : Promise.reject(); }

  /* The worker keeps this page (and for monitors the shell pages) after ONE online visit. */
  function register() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(function () {});
    navigator.serviceWorker.addEventListener("message", function (e) { if (e.data === "outbox-changed") render(); });
    if (!navigator.onLine) return;
    O.keep([location.pathname + location.search.replace(/[?&]ulang=[^&]*/, "").replace(/^&/, "?")]);
  }
  O.keep = function (urls, forget) { /* resolves when the worker is done, or after 3 s */
    return Promise.race([new Promise(function (ok) { setTimeout(ok, 3000); }), sw().then(function (r) {
      return new Promise(function (ok) {
        var ch = new MessageChannel();
        ch.port1.onmessage = ok;
        r.active.postMessage({type: "cache", urls: urls, forget: forget}, [ch.port2]);
      });
    })]).catch(function () {});
  };
  function requestSync() {
    sw().then(function (r) { if (r.sync) return r.sync.register("pantau-outbox"); }).catch(function () {});
  }
  O.persist = function () {
    var s = navigator.storage;
    if (!s || !s.persist) return Promise.resolve(null);
    return s.persisted().then(function (p) { return p || s.persist(); }).catch(function () { return null; });
  };

  /* The old localStorage queue, if any, is moved once by outbox-migrate.js (loaded only then). */
  function migrate() {
    if (!localStorage.getItem("pantau-queue-v1")) return Promise.resolve();
    return new Promise(function (ok) {
      var js = el("script");
      js.src = "/static/js/outbox-migrate.js";
      js.onload = js.onerror = ok;
      document.head.appendChild(js);
    }).then(function () { return window.PantauMigrate && PantauMigrate(C, ME); });
  }

  function flush(force) {
    if (busy) return Promise.resolve();
    busy = true;
    return Promise.all(owners().map(function (o) { return C.flush(o, force); })).then(function (rs) {
      var retry = 0;
      O.session = false;
      rs.forEach(function (c) { retry += c.retry; if (c.session) O.session = true; if (c.sent) delay = BASE; });
      busy = false;
      clearTimeout(timer);
      if (retry) { timer = setTimeout(function () { flush(true); }, delay); delay = Math.min(delay * 2, 300000); }
      return render();
    }, function () { busy = false; });
  }
  function kick() { delay = BASE; flush(true); }

  function editUrl(i) { return i.action + (i.action.indexOf("?") < 0 ? "?" : "&") + "ulang=" + encodeURIComponent(i.id); }
  O.change = function (item, fn) { fn(item); return C.put(item).then(function () { return flush(true); }); };
  O.row = function (i) {
    var li = el("li", null, "outbox-item"), acts = el("p", null, "actions"), nik = i.fields && C.value(i, "nik");
    if (nik) i.masked = "************" + nik.slice(-4); /* shown only; the stored item is not changed here */
    li.setAttribute("data-instance-id", i.id);
    li.setAttribute("data-state", i.state);
    li.appendChild(el("strong", i.label));
    li.appendChild(el("span", " · " + new Date(i.at).toLocaleString("id-ID") + (i.masked ? " · KPM " + i.masked : "")));
    li.appendChild(el("p", STATE[i.state] + (i.state === "sent" ? " — tanda terima " + i.receipt : ""), "outbox-state"));
    Object.keys(i.errors || {}).forEach(function (k) {
      (i.errors[k] || []).forEach(function (m) { li.appendChild(el("p", m, "error")); });
    });
    if (i.state === "fixing") acts.appendChild(link("Perbaiki di formulir", editUrl(i)));
    if (i.state === "fixing" || i.state === "conflict" || (i.state === "waiting" && ME)) acts.appendChild(btn("Buang", function () {
      if (confirm("Buang data ini dari antrean? Data tidak dikirim, tetapi dapat dipulihkan selama 30 hari.")) {
        O.change(i, function (x) { x.prev = x.state; x.state = "discarded"; x.discardedAt = Date.now(); });
      }
    }));
    li.appendChild(acts);
    return li;
  };
  function render() {
    return Promise.all(owners().map(function (o) { return C.all(o).catch(function () { return []; }); }))
      .then(function (lists) {
        var survey = !!document.querySelector("form[data-offline-queue=skm]"), items = lists[survey ? 0 : 1] || [];
        var open = items.filter(function (i) { return C.PENDING.indexOf(i.state) >= 0; });
        var shown = survey ? items.filter(function (i) { return i.state !== "discarded"; }).slice(-3) : [];
        each("[data-queue-status]", function (box) {
          box.textContent = "";
          if (!open.length && !shown.length) return;
          var wrap = el("div", null, "flash"), ul = el("ul", null, "outbox");
          if (open.length) wrap.appendChild(el("strong", open.length + " jawaban tersimpan di perangkat ini, menunggu dikirim. "));
          shown.reverse().forEach(function (i) { ul.appendChild(O.row(i)); });
          if (survey) wrap.appendChild(ul); else wrap.appendChild(link("Lihat antrean", "/pantau/antrean"));
          if (open.length) wrap.appendChild(btn("Kirim sekarang", kick));
          box.appendChild(wrap);
        });
        O.hooks.forEach(function (h) { h(lists[1] || []); });
      });
  }

  function notice(form, text, cls) {
    var n = form.querySelector("[data-queue-notice]");
    if (!n) { n = el("p"); n.setAttribute("data-queue-notice", ""); n.setAttribute("role", "status"); form.appendChild(n); }
    n.textContent = text;
    n.className = "flash " + (cls || "");
    n.hidden = false;
    return n;
  }
  /* Old messages go, whether the server rendered them or an earlier attempt added them. */
  function clearErrors(form) {
    Array.prototype.forEach.call(form.querySelectorAll(".field .error, fieldset .error, [data-q-err]"),
      function (e) { e.remove(); });
    Array.prototype.forEach.call(form.querySelectorAll(".has-error"), function (e) { e.classList.remove("has-error"); });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (e) { e.removeAttribute("aria-invalid"); });
  }
  function showErrors(form, errors) {
    clearErrors(form);
    Object.keys(errors || {}).forEach(function (name) {
      var input = form.elements[name], target = input && (input.length && !input.tagName ? input[0] : input);
      var box = target ? (target.closest("fieldset, .field") || form) : form;
      box.classList.add("has-error");
      (errors[name] || []).forEach(function (m) { var p = el("p", m, "error"); p.setAttribute("data-q-err", ""); box.appendChild(p); });
    });
  }
  function fresh(form) { form.reset(); clearErrors(form); form.elements.instance_id.value = uuid(); }
  /* The respondent's offline submit: a thank-you screen with the short receipt, not a blank form. */
  function thanks(form, item) {
    var box = el("section", null, "card");
    box.setAttribute("data-offline-thanks", "");
    box.setAttribute("role", "status");
    box.appendChild(el("h2", "Terima kasih!"));
    box.appendChild(el("p", "Jawaban tersimpan di perangkat dan akan terkirim otomatis."));
    box.appendChild(el("p", "Kode tanda terima: " + C.receipt(item.id)));
    box.appendChild(btn("Isi survei lagi (responden lain)", function () { box.remove(); fresh(form); form.hidden = false; }));
    form.hidden = true;
    var at = document.querySelector("[data-queue-status]") || form;
    at.parentNode.insertBefore(box, at);
    box.scrollIntoView();
  }
  function fill(form, item) {
    item.fields.forEach(function (p) {
      var input = form.elements[p[0]];
      if (!input || p[0] === "csrf_token") return;
      if (input.length && !input.tagName) Array.prototype.forEach.call(input, function (r) { r.checked = r.value === p[1]; });
      else if (input.type === "checkbox") input.checked = true;
      else input.value = p[1];
    });
    showErrors(form, item.errors);
    if (item.message) notice(form, item.message, "error");
  }

  function onSubmit(ev) {
    var form = ev.target, queue = form.getAttribute("data-offline-queue"), owner = queue === "skm" ? "anonymous" : ME;
    if (!owner) return;
    ev.preventDefault();
    var item = {id: form.elements.instance_id.value, owner: owner, queue: queue, action: form.action, fields: [],
      label: form.getAttribute("data-queue-label") || document.title, at: Date.now(), state: "waiting", errors: {}};
    new FormData(form).forEach(function (v, k) { if (typeof v === "string") item.fields.push([k, v]); });
    var button = form.querySelector("[type=submit]");
    if (button) button.disabled = true;
    C.put(item).then(function () { O.persist(); return C.attempt(item); }, function () {
      form.submit(); /* no device storage: the browser posts the form itself */
      throw new Error("no storage");
    }).then(function (out) {
      var d = out.data;
      if (button) button.disabled = false;
      if (out.kind === "sent") {
        if (queue === "skm" && d.redirect) return location.assign(d.redirect);
        fresh(form);
        notice(form, d.message || "Terkirim. Terima kasih!", "success");
      } else if (out.kind === "retry" || out.kind === "session" || out.kind === "skip") {
        requestSync();
        O.session = out.kind === "session";
        if (queue === "skm") thanks(form, item); else { fresh(form); notice(form, PENDING); }
        if (out.kind === "retry") flush(false);
      } else if (!(O.onResult && O.onResult(form, out, fresh, notice))) {
        showErrors(form, d.errors);
        notice(form, d.message || "Periksa kembali isian yang ditandai.", "error");
      }
      return render();
    }).catch(function () {});
  }

  function init() {
    var again = new URLSearchParams(location.search).get("ulang");
    each("form[data-offline-queue]", function (form) {
      var owner = form.getAttribute("data-offline-queue") === "skm" ? "anonymous" : ME;
      if (!form.elements.instance_id) return;
      if (again && owner) {
        form.elements.instance_id.value = again;
        C.get(owner, again).then(function (i) { if (i && i.fields) fill(form, i); }).catch(function () {});
      } else if (!form.hasAttribute("data-keep-instance-id")) form.elements.instance_id.value = uuid();
      form.addEventListener("submit", onSubmit);
    });
    O.flush = kick;
    O.render = render;
    register();
    addEventListener("online", kick);
    addEventListener("focus", function () { flush(false); });
    document.addEventListener("visibilitychange", function () { if (!document.hidden) flush(false); });
    migrate().then(render).then(function () { return flush(true); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
}());
