/* Outbox core, shared by the pages (offline-queue.js) and the service worker (sw.js).
   One IndexedDB database per owner ("pantau-outbox:anonymous", "pantau-outbox:user:7"), each with one
   store "items" keyed by instance_id, so a monitor's items never mix with another user's or the survey's.
   States, retry rules and the server contract: docs/OFFLINE.md. A confirmed item keeps only its label,
   receipt and masked NIK (its form data is dropped); discarded and sent items are purged after 30 days. */
(function (g) {
  "use strict";
  var PREFIX = "pantau-outbox:", TIMEOUT = 20000, DAY = 864e5, KEEP = 30 * DAY, BASE = 5000, MAX = 300000;
  var OPEN = ["waiting", "sending"], PENDING = ["waiting", "sending", "fixing", "conflict"];

  function open(owner) {
    return new Promise(function (ok, fail) {
      var r = indexedDB.open(PREFIX + owner, 1);
      r.onupgradeneeded = function () { r.result.createObjectStore("items", {keyPath: "id"}); };
      r.onsuccess = function () { ok(r.result); };
      r.onerror = function () { fail(r.error); };
    });
  }
  function tx(owner, mode, fn) {
    return open(owner).then(function (db) {
      return new Promise(function (ok, fail) {
        var t = db.transaction("items", mode), req = fn(t.objectStore("items")), out;
        if (req) req.onsuccess = function () { out = req.result; };
        t.oncomplete = function () { db.close(); ok(out); };
        t.onerror = t.onabort = function () { db.close(); fail(t.error); };
      });
    });
  }
  function all(owner) {
    return tx(owner, "readonly", function (s) { return s.getAll(); }).then(function (list) {
      return (list || []).sort(function (a, b) { return a.at - b.at; });
    });
  }
  function get(owner, id) { return tx(owner, "readonly", function (s) { return s.get(id); }); }
  function put(item) { return tx(item.owner, "readwrite", function (s) { return s.put(item); }); }
  function remove(owner, id) { return tx(owner, "readwrite", function (s) { return s["delete"](id); }); }

  function value(item, name) {
    var f = (item.fields || []).filter(function (p) { return p[0] === name; })[0];
    return f ? f[1] : null;
  }
  function setValue(item, name, v) {
    var f = (item.fields || []).filter(function (p) { return p[0] === name; })[0];
    if (f) f[1] = v; else item.fields.push([name, v]);
  }
  function receipt(id) {
    var h = String(id).replace(/[^0-9a-f]/gi, "").slice(0, 8).toUpperCase();
    return h.slice(0, 4) + "-" + h.slice(4);
  }
  function confirmed(item, data) {
    var nik = (value(item, "nik") || "").replace(/\D/g, "");
    item.state = "sent";
    item.receipt = data.id ? "#" + data.id : (data.receipt || receipt(item.id));
    item.masked = nik ? "************" + nik.slice(-4) : "";
    item.sentAt = Date.now();
    delete item.fields; delete item.errors;
    return item;
  }

  function session() {
    return fetch("/csrf-token", {credentials: "same-origin", headers: {"Accept": "application/json"}, cache: "no-store"})
      .then(function (r) { return r.json(); });
  }

  function send(item, sess) {
    var monitor = value(item, "csrf_token") !== null;
    var ready = !monitor ? Promise.resolve(null) : (sess ? Promise.resolve(sess) : session());
    return ready.then(function (s) {
      if (monitor) {
        if (!s.authenticated) return {kind: "session", data: {}};
        if (String(s.user_id) !== String(item.owner).replace("user:", "")) return {kind: "owner", data: {}};
        setValue(item, "csrf_token", s.csrf_token);
        setValue(item, "owner", String(s.user_id));
      }
      var ctrl = g.AbortController ? new AbortController() : null;
      var t = setTimeout(function () { if (ctrl) ctrl.abort(); }, TIMEOUT);
      return fetch(item.action, {
        method: "POST", body: new URLSearchParams(item.fields), credentials: "same-origin", redirect: "manual",
        headers: {"Accept": "application/json"}, signal: ctrl ? ctrl.signal : undefined
      }).then(function (res) {
        clearTimeout(t);
        return res.json().catch(function () { return {}; }).then(function (data) {
          var st = res.status;
          if (st >= 200 && st < 300 && (data.status === "ok" || data.status === "duplicate")) return {kind: "sent", data: data};
          if (st === 0 || st >= 500 || st === 429 || st === 408) return {kind: "retry", data: data};
          if (st === 409 && data.status === "wrong_owner") return {kind: "owner", data: data};
          if (st === 409) return {kind: "conflict", data: data};
          if (monitor && (st === 401 || st === 403 || res.type === "opaqueredirect" || (st === 400 && !data.errors))) {
            return {kind: "session", data: data};
          }
          if (st >= 400) return {kind: "fixing", data: data};
          return {kind: "retry", data: data};
        });
      });
    }).catch(function () { return {kind: "retry", data: {}}; });
  }

  function settle(item, out) {
    var d = out.data || {};
    item.hold = null;
    if (out.kind === "sent") confirmed(item, d);
    else if (out.kind === "fixing") { item.state = "fixing"; item.errors = d.errors || {}; item.message = d.message || ""; }
    else if (out.kind === "conflict") {
      item.state = "conflict"; item.errors = d.errors || {}; item.message = d.message || "";
      item.existing = d.existing_url || null;
    } else {
      item.state = "waiting";
      if (out.kind === "retry") {
        item.tries = (item.tries || 0) + 1;
        item.next = Date.now() + Math.min(BASE * Math.pow(2, item.tries - 1), MAX);
      } else item.hold = out.kind;
    }
    return put(item).then(function () { return out; });
  }

  /* Take an item for sending: pages, tabs and the service worker may flush at the same time. A Web Lock
     per item (released by the browser when its holder's page or worker goes away) keeps one sender per
     item; under the lock the item is re-read and taken only if still waiting or left "sending" by a
     sender that went away. Resolves to the outcome, {kind: "skip"} if someone else has it. */
  function attempt(item, sess) {
    var locks = g.navigator && navigator.locks;
    function take() {
      return get(item.owner, item.id).then(function (cur) {
        if (!cur || OPEN.indexOf(cur.state) < 0) return null;
        cur.state = "sending";
        return put(cur).then(function () { return send(cur, sess); }).then(function (out) { return settle(cur, out); });
      });
    }
    return (locks ? locks.request("pantau-item:" + item.id, {ifAvailable: true}, function (lock) {
      return lock ? take() : null;
    }) : take()).then(function (out) { return out || {kind: "skip", data: {}}; });
  }

  function flush(owner, force) {
    var counts = {sent: 0, retry: 0, session: 0, owner: 0, fixing: 0, conflict: 0, skip: 0};
    return all(owner).then(function (items) {
      items.forEach(function (i) { /* sent and discarded items are kept 30 days */
        if (Date.now() - (i.state === "sent" ? i.sentAt : i.state === "discarded" ? i.discardedAt : Date.now()) > KEEP) {
          remove(owner, i.id);
        }
      });
      var due = items.filter(function (i) {
        return OPEN.indexOf(i.state) >= 0 && (force || !i.next || i.next <= Date.now());
      });
      if (!due.length) return counts;
      var monitor = owner !== "anonymous";
      return (monitor ? session().catch(function () { return null; }) : Promise.resolve(null)).then(function (sess) {
        if (monitor && !sess) { counts.retry = due.length; return counts; }
        return due.reduce(function (p, item) {
          return p.then(function () {
            if (counts.session || counts.owner) { counts[counts.session ? "session" : "owner"]++; return null; }
            return attempt(item, sess).then(function (out) { counts[out.kind]++; });
          });
        }, Promise.resolve()).then(function () { return counts; });
      });
    });
  }

  function flushAll() {
    return session().catch(function () { return {}; }).then(function (s) {
      var owners = ["anonymous"];
      if (s.authenticated && s.user_id) owners.push("user:" + s.user_id);
      return Promise.all(owners.map(function (o) { return flush(o, true); }));
    }).then(function (results) {
      if (results.some(function (c) { return c.retry > 0; })) throw new Error("retry");
      return results;
    });
  }

  g.PantauCore = {
    all: all, get: get, put: put, remove: remove, flush: flush, flushAll: flushAll, attempt: attempt,
    receipt: receipt, value: value, PENDING: PENDING, KEEP: KEEP
  };
}(self));
