// Citizen pages: a button with data-copy="<selector>" copies that element's text (the tracking code) and says so
// on the button itself; where the clipboard is refused it selects the text so a long press copies it.
(function () {
  "use strict";
  function selectText(el) {
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }
  function say(btn, text) {
    if (!btn.dataset.label) { btn.dataset.label = btn.textContent; }
    btn.textContent = text;
    window.setTimeout(function () { btn.textContent = btn.dataset.label; }, 2000);
  }
  document.addEventListener("click", function (e) {
    var btn = e.target.closest ? e.target.closest("[data-copy]") : null;
    if (!btn) { return; }
    var el = document.querySelector(btn.dataset.copy);
    if (!el) { return; }
    var text = el.textContent.trim();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { say(btn, btn.dataset.copied || ""); },
        function () { selectText(el); say(btn, btn.dataset.failed || ""); });
    } else {
      selectText(el);
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (err) { ok = false; }
      say(btn, ok ? (btn.dataset.copied || "") : (btn.dataset.failed || ""));
    }
  });
})();
