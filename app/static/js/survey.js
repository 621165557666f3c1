/* The service worker (scope /) keeps the survey available offline; offline-queue.js registers it too. */
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(function () { /* still works online */ });
}
