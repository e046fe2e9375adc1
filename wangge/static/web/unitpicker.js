/* The unit picker: a district offers a hundred units, so every <select data-unit-picker> gets a search box
   above it. Typing keeps the options whose name or code contains the text (the codes are often the
   units' pinyin initials, e.g. cgj 城市管理局) and shows them as an open list; the routed unit, which the
   server puts first and marks （推荐）, stays first. No inline script (the Content-Security-Policy allows
   none): pages load this file, and forms swapped in by htmx are enhanced when they arrive. */
(function () {
  "use strict";

  function norm(text) { return (text || "").toLowerCase().replace(/\s+/g, ""); }

  function filter(select, text) {
    var wanted = norm(text), shown = 0;
    [].forEach.call(select.options, function (option) {
      var keep = !wanted || (!!option.value && norm(option.textContent).indexOf(wanted) !== -1);
      option.hidden = !keep;
      option.disabled = !keep && !option.selected;
      if (keep && option.value) { shown += 1; }
    });
    var rows = shown;
    [].forEach.call(select.querySelectorAll("optgroup"), function (group) {
      group.hidden = !!wanted && ![].some.call(group.children, function (o) { return !o.hidden; });
      if (wanted && !group.hidden) { rows += 1; }
    });
    // While searching, the matches are shown as an open list to click; an empty search folds it again.
    if (wanted) { select.size = Math.max(2, Math.min(10, rows)); } else { select.removeAttribute("size"); }
    return shown;
  }

  function enhance(select) {
    if (select.dataset.unitPickerReady) { return; }
    select.dataset.unitPickerReady = "1";
    var box = document.createElement("input");
    box.type = "search";
    box.className = "unit-picker-search";
    box.placeholder = select.dataset.unitPickerPlaceholder || "输入单位名称或编码筛选";
    box.setAttribute("aria-label", box.placeholder);
    box.autocomplete = "off";
    box.style.marginBottom = ".3rem";
    var count = document.createElement("span");
    count.className = "muted unit-picker-count";
    count.setAttribute("aria-live", "polite");
    select.parentNode.insertBefore(box, select);
    select.parentNode.insertBefore(count, select.nextSibling);
    box.addEventListener("input", function () {
      var shown = filter(select, box.value);
      count.textContent = box.value ? (select.dataset.unitPickerCount || "{n}").replace("{n}", shown) : "";
    });
    box.addEventListener("keydown", function (e) {
      // Enter picks the first match instead of submitting the form half-filled.
      if (e.key !== "Enter") { return; }
      e.preventDefault();
      var first = [].find.call(select.options, function (o) { return o.value && !o.hidden; });
      if (first) { select.value = first.value; select.dispatchEvent(new Event("change", { bubbles: true })); }
    });
    select.addEventListener("change", function () {
      if (box.value) { box.value = ""; filter(select, ""); count.textContent = ""; }
    });
  }

  function enhanceAll(root) {
    if (!root || !root.querySelectorAll) { return; }
    if (root.matches && root.matches("select[data-unit-picker]")) { enhance(root); }
    root.querySelectorAll("select[data-unit-picker]").forEach(enhance);
  }

  enhanceAll(document);
  document.addEventListener("htmx:load", function (e) { enhanceAll(e.detail && e.detail.elt); });
  window.WanggeUnitPicker = { filter: filter, enhance: enhance };
})();
