// The kiosk's ticket page: goes back to the group buttons by itself after a few seconds (15 by default),
// showing the seconds left; touching the page restarts the count.
(function () {
  "use strict";
  var back = document.getElementById("q-kiosk-back");
  if (!back) return;
  var left = document.getElementById("q-kiosk-left");
  var text = (left && left.dataset.text) || "%(s)s";
  var total = parseInt(back.dataset.seconds, 10) || 15;
  var remaining = total;
  function show() {
    if (left) left.textContent = text.replace("%(s)s", String(remaining));
  }
  function tick() {
    remaining -= 1;
    if (remaining <= 0) {
      window.location.replace(back.href);
      return;
    }
    show();
  }
  document.addEventListener("pointerdown", function () { remaining = total; show(); });
  show();
  window.setInterval(tick, 1000);
})();
