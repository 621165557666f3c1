/* Signed-in extras of the outbox (docs/OFFLINE.md): the pending count in the menu, the full outbox at
   /pantau/antrean, the "session ended" banner, the logout warning and the persistent-storage status. */
(function () {
  "use strict";
  var O = window.PantauOutbox, C = window.PantauCore;
  if (!O || !O.me) return;
  var pending = 0, baseRow = O.row;
  function each(sel, fn) { Array.prototype.forEach.call(document.querySelectorAll(sel), fn); }
  function add(box, tag, text, fn, href) {
    var e = document.createElement(tag);
    e.textContent = text;
    if (fn) { e.type = "button"; e.onclick = fn; }
    if (href) e.href = href;
    box.appendChild(e);
  }

  /* A monitor's rows also offer the existing record of a conflict, restoring a discarded item, and say
     when an item waits for a login. */
  O.row = function (i) {
    var li = baseRow(i), acts = li.querySelector(".actions"), state = li.querySelector(".outbox-state");
    if (i.hold === "session" && i.state === "waiting") state.textContent += " (menunggu Anda masuk lagi)";
    if (i.state === "conflict" && i.existing) add(acts, "a", "Buka catatan yang sudah ada", null, i.existing);
    if (i.state === "discarded") {
      add(acts, "button", "Pulihkan", function () { O.change(i, function (x) { x.state = x.prev || "waiting"; x.next = 0; }); });
    }
    return li;
  };

  /* A monitor's submit answered "another owner" (a page left by the previous user) or "conflict". */
  O.onResult = function (form, out, fresh, notice) {
    if (out.kind === "owner") {
      fresh(form);
      notice(form, "Data disimpan untuk pengguna lain di perangkat ini dan tidak dikirim atas nama Anda.", "error");
      return true;
    }
    if (out.data.existing_url) {
      var n = notice(form, out.data.message, "error");
      add(n, "a", " Buka catatan yang sudah ada", null, out.data.existing_url);
      return true;
    }
    return false;
  };

  O.hooks.push(function (mine) {
    pending = mine.filter(function (i) { return C.PENDING.indexOf(i.state) >= 0; }).length;
    var waiting = mine.filter(function (i) { return i.state === "waiting" || i.state === "sending"; }).length;
    each("[data-outbox-count]", function (b) { b.textContent = pending ? "(" + pending + ")" : ""; });
    var main = document.querySelector("main"), old = document.querySelector("[data-session-banner]");
    if (old) old.remove();
    if (O.session && waiting && main) {
      var p = document.createElement("p"), a = document.createElement("a");
      p.className = "flash error";
      p.setAttribute("data-session-banner", "");
      p.setAttribute("role", "alert");
      p.textContent = "Sesi berakhir — masuk lagi untuk mengirim " + waiting + " data. ";
      a.textContent = "Masuk";
      a.href = "/login?next=" + encodeURIComponent("/pantau/antrean");
      p.appendChild(a);
      main.insertBefore(p, main.firstChild);
    }
    each("[data-outbox]", function (box) {
      box.textContent = "";
      if (!mine.length) {
        box.appendChild(Object.assign(document.createElement("p"), {textContent: "Tidak ada data di antrean perangkat ini."}));
        return;
      }
      var ul = document.createElement("ul"), b = document.createElement("button");
      ul.className = "outbox";
      mine.slice().reverse().forEach(function (i) { ul.appendChild(O.row(i)); });
      box.appendChild(ul);
      b.type = "button";
      b.textContent = "Kirim sekarang";
      b.onclick = O.flush;
      box.appendChild(b);
    });
  });

  /* Logging out keeps the items (they belong to this user's store) but says how many wait, and drops
     the cached monitor pages: the next user of a shared phone must not work offline in this user's
     pages (their pendamping list, and their user id as the owner of new items). */
  each("form[action$='/logout']", function (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (pending && !confirm("Masih ada " + pending + " data belum terkirim di perangkat ini. Data tidak dihapus " +
          "dan akan dikirim saat Anda masuk lagi. Tetap keluar?")) return;
      localStorage.removeItem("pantau-shell-user");
      O.keep([], true).then(function () { form.submit(); });
    });
  });

  each("[data-storage-status]", function (box) {
    O.persist().then(function (granted) {
      box.setAttribute("data-persisted", granted ? "ya" : "tidak");
      box.textContent = granted ? "Penyimpanan permanen: diizinkan browser (antrean tidak dihapus otomatis)."
        : "Penyimpanan permanen: belum diizinkan browser; antrean bisa terhapus bila memori perangkat penuh.";
    });
  });
  /* The monitor's shell pages (and their scripts) open offline once this user was online on any Pantau page. */
  if (navigator.onLine) {
    var last = localStorage.getItem("pantau-shell-user");
    localStorage.setItem("pantau-shell-user", O.me);
    O.keep(["/pantau/", "/pantau/antrean", "/pantau/pendapatan/catat", "/pantau/pendamping/catat",
      location.pathname + location.search, "/static/js/outbox-page.js", "/static/js/gps.js"], last !== O.me);
  }
  O.render();
}());
