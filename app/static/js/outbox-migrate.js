/* One-time upgrade: items of the old localStorage queue (pantau-queue-v1) move into the IndexedDB
   outbox, nothing lost. Survey items go to the anonymous store, monitor items (they carry a csrf_token)
   to the signed-in user's store; found while nobody is signed in, they stay until someone is.
   Loaded by offline-queue.js only when that key exists. */
window.PantauMigrate = function (C, me) {
  "use strict";
  var old, keep = [];
  try { old = JSON.parse(localStorage.getItem("pantau-queue-v1")); } catch (e) { old = null; }
  return Promise.all((old || []).map(function (i) {
    var monitor = C.value(i, "csrf_token") !== null;
    if (monitor && !me) { keep.push(i); return null; }
    return C.put({id: i.id, owner: monitor ? me : "anonymous", queue: i.queue, label: i.label, action: i.action,
      fields: i.fields, at: i.at || Date.now(), state: i.hold === "invalid" ? "fixing" : "waiting", errors: {}});
  })).then(function () {
    if (keep.length) localStorage.setItem("pantau-queue-v1", JSON.stringify(keep));
    else localStorage.removeItem("pantau-queue-v1");
  });
};
