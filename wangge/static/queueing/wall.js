// The wall screen (叫号大屏): polls the hall's feed, lists the numbers called and speaks each new call (and each
// recall) with the browser's speech synthesis in zh-CN. Browsers speak only after a first user gesture, so the
// button "开启语音播报" unlocks it once.
(function () {
  "use strict";
  var root = document.getElementById("q-wall");
  if (!root) return;
  var feed = root.dataset.feed;
  var sayTemplate = root.dataset.say || "请 %(number)s 号到 %(window)s 号窗口办理";
  var waitTemplate = root.dataset.wait || "%(n)s · %(m)s";
  var seen = {};
  var first = true;
  var voiceOn = false;
  var button = document.getElementById("q-voice");

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key] == null ? "" : String(values[key]); });
  }

  function speak(text) {
    if (!voiceOn || !("speechSynthesis" in window)) return;
    var u = new SpeechSynthesisUtterance(text);
    u.lang = "zh-CN";
    u.rate = 0.9;
    window.speechSynthesis.speak(u);
  }

  function cell(text, cls) {
    var td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  }

  function render(data) {
    var body = document.getElementById("q-calls");
    var rows = document.createDocumentFragment();
    (data.calls || []).forEach(function (c) {
      var key = c.id + ":" + c.calls;
      var tr = document.createElement("tr");
      tr.dataset.id = c.id;
      tr.appendChild(cell(c.number, "q-num"));
      tr.appendChild(cell(c.window));
      if (!seen[key]) {
        if (!first) {
          tr.className = "fresh";
          speak(fill(sayTemplate, { number: c.number, window: c.window }));
        }
        seen[key] = true;
      }
      rows.appendChild(tr);
    });
    if (data.calls && data.calls.length) {
      body.replaceChildren(rows);
    }
    var list = document.getElementById("q-queues");
    var items = document.createDocumentFragment();
    (data.queues || []).forEach(function (q) {
      var li = document.createElement("li");
      var b = document.createElement("b");
      b.textContent = q.prefix + " " + q.name;
      var s = document.createElement("span");
      s.textContent = fill(waitTemplate, { n: q.waiting, m: q.expected_wait_minutes });
      li.appendChild(b);
      li.appendChild(s);
      items.appendChild(li);
    });
    list.replaceChildren(items);
    first = false;
  }

  function poll() {
    fetch(feed, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) render(data); })
      .catch(function () {})
      .then(function () { window.setTimeout(poll, 3000); });
  }

  function tick() {
    var clock = document.getElementById("q-clock");
    if (clock) clock.textContent = new Date().toLocaleTimeString("zh-CN", { hour12: false });
  }

  if (button) {
    button.addEventListener("click", function () {
      voiceOn = true;
      button.hidden = true;
      speak("语音播报已开启");
    });
  }
  document.querySelectorAll("#q-calls tr[data-id]").forEach(function (tr) {
    seen[tr.dataset.id + ":" + tr.dataset.calls] = true;
  });
  first = false;
  tick();
  window.setInterval(tick, 1000);
  poll();
})();
