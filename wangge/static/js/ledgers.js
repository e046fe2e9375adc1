/* 基础台账 pages: the few behaviours their templates ask for with data- attributes (the Content-Security-Policy
   allows no inline script). data-reveal-once: a "显示完整号码" button goes away once the number is shown;
   data-confirm: a destructive form asks first; data-fill: a drop-down copies its value into a text field. */
(function () {
  "use strict";

  document.body.addEventListener("htmx:afterRequest", function (e) {
    var button = e.detail.elt;
    if (button && button.hasAttribute && button.hasAttribute("data-reveal-once") && e.detail.successful) {
      button.remove();
    }
  });

  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) { e.preventDefault(); }
  });

  document.addEventListener("change", function (e) {
    var select = e.target;
    if (!select.matches || !select.matches("select[data-fill]")) { return; }
    var input = document.getElementById(select.dataset.fill);
    if (input && select.value) { input.value = select.value; }
  });
})();
