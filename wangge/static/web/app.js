/* Small behaviours of every page: drop-down check lists, file pickers in the page's language, and a
   session that ended while the page was open (30 minutes idle) leading back to the login page. */
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
  });
  document.addEventListener("click", function (e) {
    document.querySelectorAll("details.checklist[open]").forEach(function (d) {
      if (!d.contains(e.target)) { d.open = false; }
    });
  });
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
