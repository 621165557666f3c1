/* Service worker (scope /): the survey (/s/) and the monitors' pages (/pantau/) open offline once used
   online. Network first (fresh page, fresh render stamp and reference data), the cached copy when the
   network fails or is slower than 4 s. POSTs are never touched here: the outbox (IndexedDB, see
   outbox-core.js) owns them, and Background Sync sends it with no page open.
   The cache name carries the deployment's version (filled in by the server): a new deployment drops the
   old caches but never touches IndexedDB, so queued items survive every update. */
var VERSION = "__VERSION__";
var CACHE = "pantau-shell-" + VERSION;
/* Only what the survey page needs: a respondent's phone downloads nothing of the monitors' pages
   (signed-in pages ask for theirs, see outbox-page.js). */
var ASSETS = ["/static/app.css", "/static/survey.css", "/static/js/outbox-core.js", "/static/js/offline-queue.js",
  "/static/js/survey.js"];
importScripts("/static/js/outbox-core.js");

self.addEventListener("install", function (e) {
  e.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(ASSETS); }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (e) {
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf("pantau-") === 0 && k !== CACHE; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function covered(url) {
  return url.origin === location.origin && /^\/(s|pantau|static)\//.test(url.pathname);
}
/* Kept for offline use: the survey, static files, and only the monitor's shell pages (not lists or
   records, which hold other people's data and grow without bound). */
function cacheable(url) {
  url = new URL(url);
  return covered(url) && (url.pathname.indexOf("/pantau/") !== 0 ||
    /^\/pantau\/((antrean|pendapatan\/catat|pendamping\/catat)\/?)?$/.test(url.pathname));
}
/* "?ulang=<id>" reopens a queued item in its form: the same cached page. */
function key(url) {
  var u = new URL(url);
  u.searchParams.delete("ulang");
  return u.toString();
}
function keep(req, res) {
  if (res && res.ok && !res.redirected && res.type === "basic" && cacheable(req.url)) {
    var copy = res.clone();
    caches.open(CACHE).then(function (c) { c.put(key(req.url), copy); });
  }
  return res;
}

self.addEventListener("fetch", function (e) {
  var req = e.request, url = new URL(req.url);
  if (req.method !== "GET" || !covered(url) || url.pathname === "/sw.js") return;
  e.respondWith(new Promise(function (resolve) {
    var done = false;
    function finish(res) { if (!done && res) { done = true; resolve(res); } }
    function cached() { return caches.match(key(req.url)); }
    var timer = setTimeout(function () { cached().then(finish); }, 4000);
    fetch(req).then(function (res) {
      clearTimeout(timer);
      finish(keep(req, res));
    }).catch(function () {
      clearTimeout(timer);
      cached().then(function (hit) { finish(hit || Response.error()); });
    });
  }));
});

/* A page asks to keep itself (and the monitor shell) for offline use: works on the very first visit.
   forget: first drop every cached /pantau/ page (logout, or another user signed in on this phone). */
function forget(c) {
  return c.keys().then(function (reqs) {
    return Promise.all(reqs.filter(function (r) { return new URL(r.url).pathname.indexOf("/pantau/") === 0; })
      .map(function (r) { return c.delete(r); }));
  });
}
var lane = Promise.resolve(); /* one message at a time: a "forget" never races an earlier "keep" */
self.addEventListener("message", function (e) {
  var data = e.data || {}, port = e.ports && e.ports[0];
  if (data.type !== "cache" || !Array.isArray(data.urls)) return;
  lane = lane.then(function () { return caches.open(CACHE); }).then(function (c) {
    return (data.forget ? forget(c) : Promise.resolve()).then(function () {
      return Promise.all(data.urls.slice(0, 10).map(function (u) {
        var url = new URL(u, location.origin);
        if (!cacheable(url)) return null;
        return c.match(key(url.toString())).then(function (hit) { /* visits refresh kept pages */
          return hit || fetch(url.toString(), {credentials: "same-origin"}).then(function (res) {
            if (res.ok && !res.redirected) return c.put(key(url.toString()), res);
            return null;
          });
        }).catch(function () { return null; });
      }));
    });
  }).catch(function () {}).then(function () { if (port) port.postMessage("done"); });
  e.waitUntil(lane);
});

self.addEventListener("sync", function (e) {
  if (e.tag !== "pantau-outbox") return;
  e.waitUntil(self.PantauCore.flushAll().then(function (r) {
    return self.clients.matchAll().then(function (list) {
      list.forEach(function (c) { c.postMessage("outbox-changed"); });
      return r;
    });
  }));
});
