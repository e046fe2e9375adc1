/* 辖区边界编辑: a node's outline in edit mode on Leaflet with leaflet-geoman (vertices dragged, polygons
   drawn or removed), its parent and siblings drawn under it. Two places use it:
   - the editor page (registry/territories/<id>/outline/, [data-outline-editor]): coordinates stay in the
     datum of the background tiles and the form posts that datum's name (crs); the server converts;
   - the territory admin's outline field ([data-outline-widget]), which holds WGS-84 GeoJSON text.
   The drawing is written into the form's field on every change. Texts come from data- attributes. */
(function () {
  "use strict";
  if (!window.L || !L.PM || !window.WanggeMaps) { return; }
  var OWN = { color: "#b7791f", weight: 3, fillColor: "#ffe08a", fillOpacity: 0.35 };
  var PARENT = { color: "#14325c", weight: 2, dashArray: "6 4", fill: false };
  var SIBLING = { color: "#5b7083", weight: 1.5, dashArray: "4 4", fillColor: "#7b8794", fillOpacity: 0.08 };

  function json(id) {
    var node = id && document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function editor(el, input, start, others) {
    var status = document.getElementById(el.dataset.status);
    function say(text, warn) {
      if (status) { status.textContent = text; status.classList.toggle("warn", !!warn); }
    }
    var map = WanggeMaps.map(el);  // with the configured background map (data-basemap)
    map.pm.setLang("zh");
    var context = L.geoJSON(others, {
      pmIgnore: true,
      interactive: false,
      style: function (f) { return f.properties.role === "parent" ? PARENT : SIBLING; },
    }).addTo(map);
    var editable = L.featureGroup().addTo(map);

    function collect() {
      var rings = [];
      editable.eachLayer(function (layer) {
        if (!layer.toGeoJSON) { return; }
        var g = layer.toGeoJSON(7).geometry;
        if (g.type === "Polygon") { rings.push(g.coordinates); }
        else if (g.type === "MultiPolygon") { rings.push.apply(rings, g.coordinates); }
      });
      if (!rings.length) { return null; }
      return rings.length === 1 ? { type: "Polygon", coordinates: rings[0] } : { type: "MultiPolygon", coordinates: rings };
    }

    function changed() {
      var g = collect();
      input.value = g ? JSON.stringify(g) : "";
      var n = g ? (g.type === "Polygon" ? 1 : g.coordinates.length) : 0;
      say(n ? (el.dataset.unsaved || "") + "（" + n + " " + (el.dataset.parts || "") + "）" : el.dataset.empty || "", !n);
    }

    function adopt(layer) {
      if (!editable.hasLayer(layer)) { editable.addLayer(layer); }
      if (layer.setStyle) { layer.setStyle(OWN); }
      layer.on("pm:edit pm:dragend", changed);
    }

    // The field keeps its text until the drawing changes (no rounding of an outline left as it was).
    if (start) { L.geoJSON(start).eachLayer(adopt); }
    map.pm.setGlobalOptions({ layerGroup: editable, pathOptions: OWN, templineStyle: OWN, hintlineStyle: OWN,
      snappable: true, allowSelfIntersection: false });
    map.pm.addControls({
      position: "topleft", drawMarker: false, drawCircleMarker: false, drawPolyline: false, drawCircle: false,
      drawText: false, drawRectangle: true, drawPolygon: true, editMode: true, dragMode: true, cutPolygon: false,
      removalMode: true, rotateMode: false,
    });
    map.on("pm:create", function (e) { adopt(e.layer); changed(); });
    map.on("pm:remove", function (e) { editable.removeLayer(e.layer); changed(); });

    var bounds = editable.getLayers().length ? editable.getBounds() : context.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [30, 30] }); } else { map.fitWorld(); }
    if (editable.getLayers().length) { map.pm.enableGlobalEditMode(); } else { say(el.dataset.empty || "", true); }
    return { map: map, collect: collect };
  }

  var page = document.querySelector("[data-outline-editor]");
  if (page) {
    var form = page.closest("form");
    var input = form.querySelector("[name=geometry]");
    var made = editor(page, input, json(page.dataset.drawn) || json(page.dataset.own), json(page.dataset.others));
    form.addEventListener("submit", function (e) {
      var g = made.collect();
      if (!g) {
        e.preventDefault();
        var status = document.getElementById(page.dataset.status);
        if (status) { status.textContent = page.dataset.empty || ""; status.classList.add("warn"); }
        return;
      }
      input.value = JSON.stringify(g);
    });
  }

  document.querySelectorAll("[data-outline-widget]").forEach(function (el) {
    var field = document.getElementById(el.dataset.field);
    var start = null;
    try { start = field.value ? JSON.parse(field.value) : null; } catch (err) { start = null; }
    editor(el, field, start, json(el.dataset.others));
  });
})();
