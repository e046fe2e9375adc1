/* 一表: a form rendered from its version's fields (templates/web/surveys/fill.html).
   - Conditions: a field with data-when-field / data-when-values ("a|b") is shown only while the named field's
     answer (a checked radio or checkbox, or the input's value) is one of the values, and its controlling field
     is itself shown. Inputs of a hidden field are disabled so they are not sent; the server decides anyway.
   - Position: the phone's position (browser geolocation, WGS-84) goes into the hidden _lng/_lat inputs when the
     page opens; a location field's button puts it into that field's two hidden inputs. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-survey-form]");
  if (!form) { return; }

  function answers(name) {
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    var values = [];
    inputs.forEach(function (input) {
      if (input.disabled) { return; }
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) { values.push(input.value); }
      } else if (input.value !== "") {
        values.push(input.value);
      }
    });
    return values;
  }

  function shown(box) {
    return !box.hidden;
  }

  function refresh() {
    form.querySelectorAll("[data-field]").forEach(function (box) {
      var ref = box.dataset.whenField;
      if (!ref) { return; }
      var wanted = (box.dataset.whenValues || "").split("|");
      var controller = form.querySelector('[data-field="' + ref + '"]');
      var visible = !!controller && shown(controller) && answers(ref).some(function (v) {
        return wanted.indexOf(v) !== -1 || wanted.indexOf(String(parseFloat(v))) !== -1;
      });
      box.hidden = !visible;
      box.querySelectorAll("input, select, textarea, button").forEach(function (input) { input.disabled = !visible; });
    });
  }

  form.addEventListener("change", refresh);
  form.addEventListener("input", refresh);
  refresh();

  function locate(done, failed) {
    if (!navigator.geolocation) { failed(); return; }
    navigator.geolocation.getCurrentPosition(function (p) {
      done(p.coords.longitude.toFixed(7), p.coords.latitude.toFixed(7));
    }, failed, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  var lng = form.querySelector('[data-geo="lng"]'), lat = form.querySelector('[data-geo="lat"]');
  var summary = form.querySelector("[data-geo-summary]");
  locate(function (x, y) {
    lng.value = x; lat.value = y;
    if (summary) { summary.textContent = form.dataset.located + "：" + x + ", " + y; }
  }, function () {
    if (summary) { summary.textContent = form.dataset.denied; }
  });

  form.querySelectorAll("[data-geo-button]").forEach(function (button) {
    var box = button.closest(".survey-location");
    var status = box.querySelector("[data-geo-status]");
    if (!navigator.geolocation) { button.disabled = true; }
    button.addEventListener("click", function () {
      status.textContent = form.dataset.locating;
      locate(function (x, y) {
        box.querySelector('[data-geo-field="lng"]').value = x;
        box.querySelector('[data-geo-field="lat"]').value = y;
        status.textContent = x + ", " + y;
        if (!lng.value) { lng.value = x; lat.value = y; }
      }, function () { status.textContent = form.dataset.denied; });
    });
  });
})();
