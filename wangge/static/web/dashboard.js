/* 大屏 (reports:dashboard): the wall screen's clock, figures and charts, refreshed every five minutes. The page
   gives the data addresses and the platform's time zone as data- attributes of its body. */
(function () {
  "use strict";
  var SCREEN = document.body.dataset;
  var DATA_URL = SCREEN.dataUrl;
  var GRIDS_URL = SCREEN.gridsUrl;
  var REFRESH_MS = 5 * 60 * 1000;
  var TEXT = "#cfe3ff", AXIS = "rgba(143,180,232,.35)";
  var charts = {};
  function chart(id) {
    if (!charts[id]) charts[id] = echarts.init(document.getElementById(id), "dark", { renderer: "canvas" });
    return charts[id];
  }
  // Chart texts scale with the screen, never below their size on a 1600 px screen (a phone reads them too).
  function fs(vw) { return Math.round(Math.max(window.innerWidth, 1600) * vw / 100); }
  function pct(v) { return v === null || v === undefined ? "—" : (v * 100).toFixed(1) + "%"; }
  function setText(id, v) { document.getElementById(id).textContent = v; }
  // Tooltips are HTML: every name (territory, unit, category) is escaped before it is put in one.
  var esc = echarts.format.encodeHTML;
  function axisTip(params) {
    var list = Array.isArray(params) ? params : [params];
    if (!list.length) return "";
    return esc(String(list[0].axisValueLabel || list[0].name || "")) + list.map(function (p) {
      return "<br>" + p.marker + esc(String(p.seriesName || "")) + "：" + esc(String(p.value === undefined ? "" : p.value));
    }).join("");
  }

  // The clock reads the platform's time zone, whatever the time zone of the PC driving the screen.
  var TIME_ZONE = SCREEN.timeZone;
  var CLOCK = new Intl.DateTimeFormat("en-US", { timeZone: TIME_ZONE, hourCycle: "h23", weekday: "short",
    year: "numeric", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });
  var WEEKDAYS = { Sun: "日", Mon: "一", Tue: "二", Wed: "三", Thu: "四", Fri: "五", Sat: "六" };
  function tick() {
    var p = {};
    CLOCK.formatToParts(new Date()).forEach(function (part) { p[part.type] = part.value; });
    setText("clock", p.year + "年" + p.month + "月" + p.day + "日 星期" + WEEKDAYS[p.weekday] + " " +
      p.hour + ":" + p.minute + ":" + p.second);
  }

  function gauges(g) {
    var items = [["按期结案率", g.on_time_closure, "#52c41a"], ["满意率", g.satisfaction, "#3d8bff"], ["响应率", g.response, "#faad14"]];
    var box = document.getElementById("gauges");
    var radius = Math.round(Math.min(box.clientWidth / 6 * 0.86, box.clientHeight * 0.4));
    chart("gauges").setOption({
      backgroundColor: "transparent",
      series: items.map(function (it, i) {
        return {
          type: "gauge", center: [(16.7 + i * 33.3) + "%", "52%"], radius: radius, min: 0, max: 100,
          startAngle: 210, endAngle: -30, progress: { show: true, width: fs(0.55), itemStyle: { color: it[2] } },
          axisLine: { lineStyle: { width: fs(0.55), color: [[1, "rgba(143,180,232,.18)"]] } },
          axisTick: { show: false }, splitLine: { show: false }, axisLabel: { show: false }, pointer: { show: false },
          title: { offsetCenter: [0, "78%"], color: TEXT, fontSize: fs(0.75) },
          detail: { offsetCenter: [0, "0%"], fontSize: fs(1.25), color: "#fff", valueAnimation: true,
            formatter: function (v) { return it[1] === null ? "—" : v.toFixed(1) + "%"; } },
          data: [{ value: it[1] === null ? 0 : +(it[1] * 100).toFixed(2), name: it[0] }]
        };
      })
    });
  }

  function mix(rows) {
    chart("mix").setOption({
      backgroundColor: "transparent",
      tooltip: { trigger: "item", formatter: function (p) { return esc(String(p.name)) + "<br>" + p.value + " 件（" + p.percent + "%）"; } },
      legend: { type: "scroll", orient: "vertical", right: "2%", top: "middle", textStyle: { color: TEXT, fontSize: fs(0.68) } },
      series: [{ type: "pie", radius: ["38%", "68%"], center: ["34%", "52%"], avoidLabelOverlap: true,
        itemStyle: { borderColor: "#06163a", borderWidth: 2 }, label: { show: false }, data: rows }]
    });
  }

  function overdue(rows) {
    var list = rows.slice().reverse();
    chart("overdue").setOption({
      backgroundColor: "transparent",
      grid: { left: "3%", right: "10%", top: "6%", bottom: "4%", containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: axisTip },
      xAxis: { type: "value", minInterval: 1, axisLabel: { color: TEXT, fontSize: fs(0.6) }, splitLine: { lineStyle: { color: AXIS } } },
      yAxis: { type: "category", data: list.map(function (r) { return r.name; }), axisLabel: { color: TEXT, fontSize: fs(0.65), width: fs(7), overflow: "truncate" } },
      series: [{ type: "bar", barWidth: "55%", data: list.map(function (r) { return r.value; }),
        itemStyle: { color: new echarts.graphic.LinearGradient(0, 0, 1, 0, [{ offset: 0, color: "#a8071a" }, { offset: 1, color: "#ff7875" }]) },
        label: { show: true, position: "right", color: "#fff", fontSize: fs(0.65) } }]
    });
  }

  function trend(t) {
    chart("trend").setOption({
      backgroundColor: "transparent",
      grid: { left: "3%", right: "3%", top: "14%", bottom: "6%", containLabel: true },
      legend: { top: 0, right: "3%", textStyle: { color: TEXT, fontSize: fs(0.7) } },
      tooltip: { trigger: "axis", formatter: axisTip },
      xAxis: { type: "category", boundaryGap: false, data: t.dates.map(function (d) { return d.slice(5); }),
        axisLabel: { color: TEXT, fontSize: fs(0.62) }, axisLine: { lineStyle: { color: AXIS } } },
      yAxis: { type: "value", minInterval: 1, axisLabel: { color: TEXT, fontSize: fs(0.62) }, splitLine: { lineStyle: { color: AXIS } } },
      series: [
        { name: "受理", type: "line", smooth: true, smoothMonotone: "x", symbolSize: 5, data: t.received, lineStyle: { width: 3, color: "#3d8bff" },
          itemStyle: { color: "#3d8bff" },
          areaStyle: { color: new echarts.graphic.LinearGradient(0, 0, 0, 1, [{ offset: 0, color: "rgba(61,139,255,.45)" }, { offset: 1, color: "rgba(61,139,255,0)" }]) } },
        { name: "结案", type: "line", smooth: true, smoothMonotone: "x", symbolSize: 5, data: t.closed, lineStyle: { width: 3, color: "#52c41a" },
          itemStyle: { color: "#52c41a" } }
      ]
    });
  }

  var mapReady = false;
  function heat(rows) {
    if (!mapReady) return;
    var max = rows.reduce(function (m, r) { return Math.max(m, r.value); }, 1);
    chart("map").setOption({
      backgroundColor: "transparent",
      tooltip: { trigger: "item", formatter: function (p) { return esc(String(p.data ? p.data.label : p.name)) + "<br>" + (p.value || 0) + " 件"; } },
      visualMap: { min: 0, max: max, left: "3%", bottom: "4%", calculable: true, text: ["多", "少"],
        textStyle: { color: TEXT, fontSize: fs(0.65) }, inRange: { color: ["#0d3b7a", "#1f78d1", "#fadb14", "#fa541c", "#f5222d"] } },
      series: [{ type: "map", map: "wangge-grids", roam: true, aspectScale: 0.85, layoutCenter: ["50%", "52%"], layoutSize: "92%",
        label: { show: false }, itemStyle: { borderColor: "rgba(180,215,255,.55)", borderWidth: 0.6, areaColor: "#0d3b7a" },
        emphasis: { label: { show: true, color: "#fff", fontSize: fs(0.7), formatter: function (p) { return p.data ? p.data.label : ""; } },
          itemStyle: { areaColor: "#40a9ff" } },
        data: rows }]
    });
  }

  // Today's duty (带班领导, 值班员) and the warnings in force, under the clock and the time of the figures.
  function onCall(duty, warnings) {
    var first = duty[0];
    setText("duty", first ? "今日带班：" + (first.leaders.join("、") || "—") + "　值班：" + (first.officers.join("、") || "—") : "");
    var box = document.getElementById("warnings");
    if (!box) return;
    box.textContent = "";
    warnings.slice(0, 3).forEach(function (w) {
      var tag = document.createElement("span");
      tag.className = "warn " + w.level;
      tag.textContent = w.label;
      box.appendChild(tag);
    });
  }

  function load() {
    // A poll does not keep the session alive (X-Wangge-Poll); when the session has ended, the page reloads
    // and shows the login.
    fetch(DATA_URL, { credentials: "same-origin", headers: { "X-Wangge-Poll": "1", Accept: "application/json" } }).then(function (r) {
      if (r.redirected || !r.ok) { window.location.reload(); throw new Error("session ended"); }
      return r.json();
    }).then(function (d) {
      var k = d.kpis;
      setText("k-today", k.today_received); setText("k-month", k.month_received); setText("k-open", k.open);
      setText("k-overdue", k.overdue); setText("k-supervised", k.supervised); setText("k-month-closed", k.month_closed);
      setText("k-closed", k.month_due_closed + "/" + k.month_due);
      var m = d.mediation;  // 矛盾纠纷调解, the year to date
      if (m) {
        setText("k-mediation", m.resolution_rate === null ? "—" : (m.resolution_rate * 100).toFixed(1) + "%");
        document.getElementById("d-mediation").title = m.definition + "（受理 " + m.accepted + " 件，成功 " + m.resolved + " 件）";
      }
      // Each figure names what it counts (the same definitions as the home page and the bulletin).
      Object.keys(d.definitions || {}).forEach(function (key) {
        var box = document.getElementById("d-" + key);
        if (box) box.title = d.definitions[key];
      });
      setText("asof", "统计截至 " + d.as_of.slice(0, 16).replace("T", " "));
      onCall(d.duty || [], d.warnings || []);
      gauges(d.gauges); mix(d.categories); overdue(d.overdue_units); trend(d.trend); heat(d.heat);
      window.__dashboard = d;
    });
  }

  fetch(GRIDS_URL, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (g) {
    if (!g.features.length) { document.getElementById("map-empty").hidden = false; return; }
    echarts.registerMap("wangge-grids", g);
    mapReady = true;
    if (window.__dashboard) heat(window.__dashboard.heat);
  });

  tick(); setInterval(tick, 1000);
  load(); setInterval(load, REFRESH_MS);
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (id) { charts[id].resize(); });
    if (window.__dashboard) { var d = window.__dashboard; gauges(d.gauges); mix(d.categories); overdue(d.overdue_units); trend(d.trend); heat(d.heat); }
  });
})();
