/* 核查定位 (case page): a "获取当前位置" button beside every step form that asks for the verifier's position
   (inputs named latitude and longitude). The browser's geolocation gives WGS-84 degrees, written with six
   decimals as the form accepts. The texts come from the data- attributes of #position-texts, in the page's
   language. Forms swapped in by htmx (a refused submission) get their button again. */
(function () {
  function texts() {
    var el = document.getElementById("position-texts");
    return el ? el.dataset : null;
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
          where.textContent = t.position + "：" + lng.value + ", " + lat.value +
            "（" + t.accuracy + " " + Math.round(pos.coords.accuracy) + " m）";
          btn.disabled = false;
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
