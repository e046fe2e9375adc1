/* Small behaviours of every page: drop-down check lists, file pickers in the page's language, a
   session that ended while the page was open (30 minutes idle) leading back to the login page, and the
   few behaviours templates ask for with data- attributes (the Content-Security-Policy allows no inline
   script): data-autosubmit, data-check-all, data-fold-on-phone, data-apply-category. */
(function () {
  "use strict";
  var body = document.body;

  function summarise(details) {
    var picked = [].slice.call(details.querySelectorAll("input:checked")).map(function (input) {
      return input.parentNode.textContent.trim();
    });
    details.querySelector("summary").textContent = picked.length ? picked.join("、") : details.dataset.empty;
  }

  function showFiles(input) {
    var box = input.closest(".filepick"), names = box && box.querySelector(".filenames");
    if (!names) { return; }
    var files = [].slice.call(input.files || []).map(function (f) { return f.name; });
    names.textContent = files.length ? names.dataset.picked.replace("{n}", files.length) + files.join("、") : names.dataset.none;
  }

  document.addEventListener("change", function (e) {
    var target = e.target;
    if (!target.closest) { return; }
    var details = target.closest("details.checklist");
    if (details) { summarise(details); }
    if (target.type === "file") { showFiles(target); }
    if (target.matches("select[data-autosubmit]") && target.form) { target.form.submit(); }
    if (target.matches("input[data-check-all]")) {
      document.querySelectorAll('input[name="' + target.dataset.checkAll + '"]').forEach(function (c) { c.checked = target.checked; });
    }
  });
  document.addEventListener("click", function (e) {
    document.querySelectorAll("details.checklist[open]").forEach(function (d) {
      if (!d.contains(e.target)) { d.open = false; }
    });
    // 采用: a suggested category (受理登记) goes into the form's category field.
    var apply = e.target.closest && e.target.closest("[data-apply-category]");
    var select = document.getElementById("id_category");
    if (apply && select) { select.value = apply.dataset.applyCategory; }
  });

  // A filter box folds on a phone unless filters are in use (data-fold-on-phone="true").
  if (window.matchMedia("(max-width: 600px)").matches) {
    document.querySelectorAll('details[data-fold-on-phone="true"]').forEach(function (d) { d.open = false; });
  }
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { document.querySelectorAll("details.checklist[open]").forEach(function (d) { d.open = false; }); }
  });

  // The server answers a request of an ended session with a redirect to the login page, which XHR and
  // fetch follow silently: without this the login form would be swapped into a table or a side panel.
  var login = body.dataset.loginUrl;
  function toLogin() {
    window.location.href = login + "?next=" + encodeURIComponent(window.location.pathname + window.location.search);
  }
  function isLogin(url) {
    try { return !!login && new URL(url, window.location.href).pathname === login; } catch (err) { return false; }
  }
  body.addEventListener("htmx:beforeSwap", function (e) {
    var xhr = e.detail.xhr;
    if (xhr && isLogin(xhr.responseURL)) { e.detail.shouldSwap = false; toLogin(); }
  });
  window.Wangge = { isLogin: isLogin, toLogin: toLogin };
})();
