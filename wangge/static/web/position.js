/* 核查定位 (case page): a "获取当前位置" button beside every step form that asks for the verifier's position
   (inputs named latitude and longitude). The browser's geolocation gives WGS-84 degrees, written with six
   decimals as the form accepts. The texts come from the data- attributes of #position-texts, in the page's
   language. Forms swapped in by htmx (a refused submission) get their button again. */
(function () {
  function texts() {
    var el = document.getElementById("position-texts");
    return el ? el.dataset : null;
  }

  // The place the verifier stands, by name (street, community, grid), from the server's locator; the coordinates
  // stay in the form and in the title. No answer: the coordinates are shown.
  function named(t, lng, lat, show) {
    if (!t.place || !window.fetch) return;
    fetch(t.place + "?lng=" + lng + "&lat=" + lat + "&crs=wgs84", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && data.inside) show(data.label); })
      .catch(function () {});
  }

  function setUp(root) {
    var t = texts();
    if (!t || !root.querySelectorAll) return;
    var forms = root.matches && root.matches("form") ? [root] : root.querySelectorAll("form");
    Array.prototype.forEach.call(forms, function (form) {
      var lat = form.elements.latitude, lng = form.elements.longitude;
      if (!lat || !lng || form.querySelector("[data-locate]")) return;
      var box = document.createElement("div");
      box.className = "locate";
      var btn = document.createElement("button");
      btn.type = "button";
      btn.className = "btn small outline";
      btn.setAttribute("data-locate", "");
      btn.textContent = t.locate;
      var where = document.createElement("span");
      where.className = "muted";
      where.setAttribute("role", "status");
      if (lat.value && lng.value) where.textContent = t.position + "：" + lng.value + ", " + lat.value;
      box.appendChild(btn);
      box.appendChild(document.createTextNode(" "));
      box.appendChild(where);
      var anchor = lat.closest(".field") || lat.parentNode;
      anchor.parentNode.insertBefore(box, anchor);
      btn.addEventListener("click", function () {
        if (!navigator.geolocation) { where.textContent = t.unsupported; return; }
        where.textContent = t.locating;
        btn.disabled = true;
        navigator.geolocation.getCurrentPosition(function (pos) {
          lat.value = pos.coords.latitude.toFixed(6);
          lng.value = pos.coords.longitude.toFixed(6);
          var accuracy = "（" + t.accuracy + " " + Math.round(pos.coords.accuracy) + " m）";
          where.textContent = t.position + "：" + lng.value + ", " + lat.value + accuracy;
          where.title = lng.value + ", " + lat.value;
          btn.disabled = false;
          named(t, lng.value, lat.value, function (label) { where.textContent = (t.named || t.position) + "：" + label + accuracy; });
        }, function (err) {
          where.textContent = t.failed + "：" + err.message;
          btn.disabled = false;
        }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 0 });
      });
    });
  }

  setUp(document);
  document.body.addEventListener("htmx:load", function (e) { setUp(e.detail.elt); });
})();
