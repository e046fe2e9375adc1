// The ticket page on the phone: refreshes the position every 10 seconds and vibrates once when called.
(function () {
  "use strict";
  var box = document.getElementById("q-ticket");
  if (!box) return;
  var feed = box.dataset.feed;
  var calledText = box.dataset.called || "%(w)s";
  var last = null;
  function poll() {
    fetch(feed, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) return;
        document.getElementById("q-status").textContent = s.status_label;
        var pos = document.getElementById("q-position");
        if (s.status === "called" && s.window) {
          pos.textContent = calledText.replace("%(w)s", s.window);
          if (last !== "called" && navigator.vibrate) navigator.vibrate([300, 100, 300]);
        } else if (s.status !== "waiting") {
          pos.textContent = "";
        }
        last = s.status;
        if (s.status === "waiting" || s.status === "called" || s.status === "serving") window.setTimeout(poll, 10000);
      })
      .catch(function () { window.setTimeout(poll, 20000); });
  }
  window.setTimeout(poll, 10000);
})();
