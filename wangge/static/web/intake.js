/* 受理登记 (intake page): fills in a confident category suggestion, inserts a knowledge-base answer for a
   直接答复, and keeps track of a call taker who cleared the category on purpose. No inline script (CSP). */
(function () {
  "use strict";

  function byId(id) { return document.getElementById(id); }

  // A confident suggestion goes into an empty category field, unless the call taker emptied it on purpose.
  function fillCategory(panel) {
    var select = byId("id_category");
    var auto = byId("category-auto");
    if (!panel || !select || !panel.dataset.fillCategory) { return; }
    if (auto && auto.value === "0") { return; }
    if (select.value === "" || select.dataset.autofilled === select.value) {
      select.value = panel.dataset.fillCategory;
      select.dataset.autofilled = select.value;
    }
  }

  document.body.addEventListener("htmx:afterSwap", function () { fillCategory(byId("suggestions")); });
  document.body.addEventListener("htmx:oobAfterSwap", function () { fillCategory(byId("suggestions")); });

  document.addEventListener("change", function (e) {
    if (e.target && e.target.id === "id_category" && e.isTrusted) {
      var auto = byId("category-auto");
      delete e.target.dataset.autofilled;
      if (auto) { auto.value = e.target.value === "" ? "0" : "1"; }
    }
  });

  function setAnswer(id, version, title, text) {
    var box = byId("kb-answer-box");
    if (!box) { return; }
    byId("kb-article").value = id;
    byId("kb-version").value = version;
    byId("kb-title").value = title;
    byId("kb-answer").value = text;
    var source = byId("kb-source");
    if (source) {
      source.textContent = id ? (box.dataset.source || "").replace("{t}", title).replace("{v}", version) : "";
    }
    box.hidden = !id;
    if (id) {
      var type = byId("id_appeal_type");
      if (type) { type.value = "consult"; }
      box.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
  }

  document.addEventListener("click", function (e) {
    var insert = e.target.closest && e.target.closest("[data-kb-insert]");
    if (insert) {
      var tpl = byId("kb-answer-" + insert.dataset.kbInsert);
      var text = tpl ? (tpl.content ? tpl.content.textContent : tpl.textContent) : "";
      setAnswer(insert.dataset.kbInsert, insert.dataset.kbVersion, insert.dataset.kbTitle, text.trim());
      return;
    }
    if (e.target.closest && e.target.closest("[data-kb-clear]")) { setAnswer("", "", "", ""); }
  });
})();
