/* Income form: as the NIK is typed, preselect the kab/kota whose code is the NIK's first four digits
   (3273... -> "32.73 Kota Bandung"). Only while the monitor has not picked a kab/kota themself; without
   JavaScript the server does the same from the "sesuai kode wilayah NIK" choice. */
(function () {
  var nik = document.querySelector("[data-nik-region]");
  var select = nik && nik.form && nik.form.elements.region_id;
  if (!select) return;
  var touched = false;
  select.addEventListener("change", function () { touched = true; });
  nik.addEventListener("input", function () {
    var digits = nik.value.replace(/[^0-9]/g, "");
    if (touched || digits.length < 4) return;
    var code = digits.slice(0, 2) + "." + digits.slice(2, 4) + " ";
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].text.indexOf(code) === 0) { select.selectedIndex = i; return; }
    }
  });
}());
