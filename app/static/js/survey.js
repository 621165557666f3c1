/* The service worker (scope /) keeps the survey available offline; offline-queue.js registers it too. */
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(function () { /* still works online */ });
}

/* Errors: bring the first marked question into view, whether the server rendered it
   (a post without the queue) or the offline queue added it after a 422 answer. */
(function () {
  "use strict";
  var form = document.querySelector("form.survey");
  if (!form) return;
  function jump() {
    var first = form.querySelector(".has-error");
    if (!first) return;
    first.scrollIntoView({block: "start"});
    var input = first.querySelector("input:not([type=hidden]), select, textarea");
    if (input) input.focus({preventScroll: true});
  }
  jump();
  if (!window.MutationObserver) return;
  new MutationObserver(function (records) {
    var added = records.some(function (r) {
      return Array.prototype.some.call(r.addedNodes, function (n) { return n.classList && n.classList.contains("error"); });
    });
    if (added) jump();
  }).observe(form, {subtree: true, childList: true});
})();
