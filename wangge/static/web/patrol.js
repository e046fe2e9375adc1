/* 巡查签到 (reports:patrol): the phone's position into the check-in form; the texts come from data- attributes
   of #where, in the page's language. */
(function () {
  var btn = document.getElementById("locate");
  if (!btn) return;
  var where = document.getElementById("where"), submit = document.getElementById("submit"), text = where.dataset;
  var form = document.getElementById("checkin-form");
  btn.addEventListener("click", function () {
    if (!navigator.geolocation) { where.textContent = text.unsupported; return; }
    where.textContent = text.locating;
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.elements.lng.value = pos.coords.longitude.toFixed(7);
      form.elements.lat.value = pos.coords.latitude.toFixed(7);
      where.textContent = text.position + "：" + pos.coords.longitude.toFixed(6) + ", " + pos.coords.latitude.toFixed(6) +
        "（" + text.accuracy + " " + Math.round(pos.coords.accuracy) + " m）";
      submit.disabled = false;
    }, function (err) {
      where.textContent = text.failed + "：" + err.message;
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 0 });
  });
})();
