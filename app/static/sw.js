/* Service worker for /s/: a survey page once opened can be reopened and finished
   offline. Network first (fresh page, fresh render stamp), the cached copy when
   the network fails or is slower than 4 s. POSTs are never touched: the offline
   queue in offline-queue.js owns them. */
var CACHE = "pantau-survey-v1";
var ASSETS = ["/static/app.css", "/static/survey.css", "/static/js/offline-queue.js", "/static/js/survey.js"];

self.addEventListener("install", function (e) {
  e.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(ASSETS); }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (e) {
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (e) {
  var req = e.request, url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== location.origin) return;
  if (url.pathname.indexOf("/s/") !== 0 && url.pathname.indexOf("/static/") !== 0) return;
  e.respondWith(new Promise(function (resolve) {
    var done = false;
    function finish(res) { if (!done && res) { done = true; resolve(res); } }
    var timer = setTimeout(function () { caches.match(req).then(finish); }, 4000);
    fetch(req).then(function (res) {
      clearTimeout(timer);
      if (res.ok) { var copy = res.clone(); caches.open(CACHE).then(function (c) { c.put(req, copy); }); }
      finish(res);
    }).catch(function () {
      clearTimeout(timer);
      caches.match(req).then(function (hit) { finish(hit || Response.error()); });
    });
  }));
});
