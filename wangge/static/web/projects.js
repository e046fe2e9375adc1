/* 项目台账 pages (wangge/templates/web/projects): the project's line or polygon on a map, drawn and edited with
   leaflet-geoman on the edit form; a point picked on it for a problem; the weekly progress and investment chart
   with ECharts. Geometries arrive in the datum of the background tiles; the forms post that datum (crs) and the
   server converts to WGS-84. Data comes from json_script blocks named by data- attributes; no inline script. */
(function () {
  "use strict";
  var SHAPE = { color: "#b7791f", weight: 5, fillColor: "#ffe08a", fillOpacity: 0.35 };

  function json(id) {
    var node = id && document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function fit(map, layer) {
    var b = layer && layer.getLayers().length ? layer.getBounds() : null;
    if (b && b.isValid()) { map.fitBounds(b, { padding: [30, 30], maxZoom: 17 }); } else { map.setView([33.73, 113.3], 12); }
  }

  function outlines(map, url) {
    if (!url) { return; }
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (fc) {
        if (!fc) { return; }
        var l = L.geoJSON(fc, { pmIgnore: true, interactive: false,
          style: { color: "#14325c", weight: 1.5, dashArray: "6 4", fill: false } }).addTo(map);
        l.bringToBack();
      }).catch(function () {});
  }

  /* Read-only: the project's shape and its problems. */
  document.querySelectorAll("[data-project-map]").forEach(function (el) {
    if (!window.L || !window.WanggeMaps) { return; }
    var map = WanggeMaps.map(el);
    var shape = L.geoJSON(json(el.dataset.projectMap), { style: SHAPE });
    fit(map, shape);  // the view first: Leaflet clips a path against it when it is added
    shape.addTo(map);
    outlines(map, el.dataset.outlines);
    (json(el.dataset.pins) || []).forEach(function (p) {
      var text = document.createElement("div");
      text.textContent = p.title + " · " + p.status;
      L.circleMarker([p.lat, p.lng], { radius: 7, color: "#c92a2a", fillOpacity: 0.8 }).bindPopup(text).addTo(map);
    });
  });

  /* The edit form: draw or edit a line or a polygon; the hidden field holds the GeoJSON. */
  document.querySelectorAll("[data-project-editor]").forEach(function (el) {
    if (!window.L || !L.PM || !window.WanggeMaps) { return; }
    var form = el.closest("form");
    var input = form.querySelector("[name=geometry]");
    var status = document.getElementById(el.dataset.status);
    var map = WanggeMaps.map(el);
    map.pm.setLang("zh");
    var start = json(el.dataset.shape);
    var first = L.geoJSON(start);
    fit(map, first);  // the view first: Leaflet clips a path against it when it is added
    outlines(map, el.dataset.outlines);
    var editable = L.featureGroup().addTo(map);

    function collect() {
      var lines = [], polys = [];
      editable.eachLayer(function (layer) {
        if (!layer.toGeoJSON) { return; }
        var g = layer.toGeoJSON(7).geometry;
        if (g.type === "LineString") { lines.push(g.coordinates); }
        else if (g.type === "MultiLineString") { lines.push.apply(lines, g.coordinates); }
        else if (g.type === "Polygon") { polys.push(g.coordinates); }
        else if (g.type === "MultiPolygon") { polys.push.apply(polys, g.coordinates); }
      });
      if (lines.length && !polys.length) {
        return lines.length === 1 ? { type: "LineString", coordinates: lines[0] } : { type: "MultiLineString", coordinates: lines };
      }
      if (polys.length && !lines.length) {
        return polys.length === 1 ? { type: "Polygon", coordinates: polys[0] } : { type: "MultiPolygon", coordinates: polys };
      }
      return lines.length ? "mixed" : null;
    }
    function changed() {
      var g = collect();
      if (g === "mixed") { input.value = ""; if (status) { status.textContent = el.dataset.mixed || ""; status.classList.add("warn"); } return; }
      input.value = g ? JSON.stringify(g) : "";
      if (status) { status.textContent = g ? (el.dataset.changed || "") : (el.dataset.empty || ""); status.classList.remove("warn"); }
      var cleared = form.querySelector("[name=clear_geometry]");
      if (cleared) { cleared.value = g ? "" : "1"; }
    }
    function adopt(layer) {
      editable.addLayer(layer);
      if (layer.setStyle) { layer.setStyle(SHAPE); }
      layer.on("pm:edit pm:dragend", changed);
    }
    first.eachLayer(adopt);
    map.pm.setGlobalOptions({ layerGroup: editable, pathOptions: SHAPE, templineStyle: SHAPE, hintlineStyle: SHAPE });
    map.pm.addControls({
      position: "topleft", drawMarker: false, drawCircleMarker: false, drawPolyline: true, drawCircle: false,
      drawText: false, drawRectangle: true, drawPolygon: true, editMode: true, dragMode: true, cutPolygon: false,
      removalMode: true, rotateMode: false,
    });
    map.on("pm:create", function (e) { adopt(e.layer); changed(); });
    map.on("pm:remove", function (e) { editable.removeLayer(e.layer); changed(); });
    if (!editable.getLayers().length && el.dataset.focus) {
      var f = el.dataset.focus.split(",").map(Number);
      map.fitBounds([[f[1], f[0]], [f[3], f[2]]]);
    }
  });

  /* The problem form: the project's shape; a click places the problem (else the server places it on the shape). */
  document.querySelectorAll("[data-project-pick]").forEach(function (el) {
    if (!window.L || !window.WanggeMaps) { return; }
    var form = el.closest("form");
    var lng = form.querySelector("[name=lng]"), lat = form.querySelector("[name=lat]");
    var status = document.getElementById(el.dataset.status);
    var map = WanggeMaps.map(el);
    var shape = L.geoJSON(json(el.dataset.projectPick), { style: SHAPE });
    fit(map, shape);  // the view first: Leaflet clips a path against it when it is added
    shape.addTo(map);
    var marker = null;
    function place(latlng) {
      if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
      lng.value = latlng.lng.toFixed(7); lat.value = latlng.lat.toFixed(7);
      if (status) { status.textContent = (el.dataset.picked || "") + latlng.lng.toFixed(6) + ", " + latlng.lat.toFixed(6); }
    }
    map.on("click", function (e) { place(e.latlng); });
    shape.on("click", function (e) { L.DomEvent.stopPropagation(e); place(e.latlng); });
  });

  /* The weekly progress (%) and investment to date (万元) as lines over the weeks. */
  document.querySelectorAll("[data-project-chart]").forEach(function (el) {
    if (!window.echarts) { return; }
    var d = json(el.dataset.projectChart);
    if (!d) { return; }
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { data: [d.labels.progress, d.labels.invested], bottom: 0 },
      grid: { left: 44, right: 52, top: 32, bottom: 48 },
      xAxis: { type: "category", data: d.weeks, axisLabel: { fontSize: 10 } },
      yAxis: [
        { type: "value", min: 0, max: 100, name: "%" },
        { type: "value", min: 0, max: Math.max(d.total, Math.max.apply(null, d.invested.concat([0]))), name: "万元" },
      ],
      series: [
        { name: d.labels.progress, type: "line", data: d.progress, smooth: true },
        { name: d.labels.invested, type: "bar", yAxisIndex: 1, data: d.invested, barMaxWidth: 18,
          markLine: { symbol: "none", data: [{ yAxis: d.total, name: d.labels.total }],
            label: { position: "insideEndTop", formatter: d.labels.total + " {c}" } } },
      ],
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
