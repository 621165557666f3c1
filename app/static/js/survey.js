/* Let the service worker keep the survey available offline (scope /s/). */
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", {scope: "/s/"}).catch(function () { /* still works online */ });
}
