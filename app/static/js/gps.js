/* "Ambil lokasi": fills the optional GPS fields of a field form from the device. */
(function () {
  "use strict";
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("button[data-gps]"), function (button) {
      if (!navigator.geolocation) { button.hidden = true; return; }
      button.addEventListener("click", function () {
        var form = button.form, status = form.querySelector("[data-gps-status]");
        if (status) status.textContent = "Mencari lokasi…";
        navigator.geolocation.getCurrentPosition(function (pos) {
          form.elements.latitude.value = pos.coords.latitude.toFixed(6);
          form.elements.longitude.value = pos.coords.longitude.toFixed(6);
          form.elements.gps_accuracy_m.value = Math.round(pos.coords.accuracy);
          if (status) status.textContent = "Lokasi terisi (akurasi " + Math.round(pos.coords.accuracy) + " m).";
        }, function () {
          if (status) status.textContent = "Lokasi tidak tersedia; isian GPS boleh dikosongkan.";
        }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
}());
