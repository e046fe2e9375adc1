/* 辖区边界编辑 (registry/territories/<id>/outline/): the node's outline in edit mode on Leaflet with
   leaflet-geoman (vertices dragged, polygons drawn or removed), its parent and siblings drawn under it.
   Coordinates stay in the datum of the background tiles; the form posts that datum's name (crs) and the
   server converts to WGS-84 and checks the outline. Texts come from the map element's data- attributes. */
(function () {
  "use strict";
  var el = document.querySelector("[data-outline-editor]");
  if (!el || !window.L || !L.PM) { return; }
  var form = el.closest("form");
  var input = form.querySelector("[name=geometry]");
  var status = document.getElementById(el.dataset.status);
  var OWN = { color: "#b7791f", weight: 3, fillColor: "#ffe08a", fillOpacity: 0.35 };
  var PARENT = { color: "#14325c", weight: 2, dashArray: "6 4", fill: false };
  var SIBLING = { color: "#5b7083", weight: 1.5, dashArray: "4 4", fillColor: "#7b8794", fillOpacity: 0.08 };

  function json(id) {
    var node = id && document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function say(text, warn) {
    if (status) { status.textContent = text; status.classList.toggle("warn", !!warn); }
  }

  var map = L.map(el, { maxZoom: 19, minZoom: 3, zoomSnap: 0.5, attributionControl: !!el.dataset.tiles });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution || "" }).addTo(map);
  }
  map.pm.setLang("zh");

  var others = L.geoJSON(json(el.dataset.others), {
    pmIgnore: true,
    interactive: false,
    style: function (f) { return f.properties.role === "parent" ? PARENT : SIBLING; },
    onEachFeature: function (f, layer) {
      if (f.properties.role === "sibling") {
        layer.bindTooltip(f.properties.name, { permanent: false, direction: "center", className: "grid-name" });
      }
    },
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
    layer.setStyle && layer.setStyle(OWN);
    layer.on("pm:edit pm:dragend pm:rotateend", changed);
  }

  var start = json(el.dataset.drawn) || json(el.dataset.own);
  if (start) {
    L.geoJSON(start).eachLayer(adopt);
    input.value = JSON.stringify(collect());
  }

  map.pm.setGlobalOptions({ layerGroup: editable, pathOptions: OWN, templineStyle: OWN, hintlineStyle: OWN,
    snappable: true, allowSelfIntersection: false });
  map.pm.addControls({
    position: "topleft", drawMarker: false, drawCircleMarker: false, drawPolyline: false, drawCircle: false,
    drawText: false, drawRectangle: true, drawPolygon: true, editMode: true, dragMode: true, cutPolygon: false,
    removalMode: true, rotateMode: false,
  });
  map.on("pm:create", function (e) { adopt(e.layer); changed(); });
  map.on("pm:remove", function (e) { editable.removeLayer(e.layer); changed(); });

  var bounds = editable.getLayers().length ? editable.getBounds() : others.getBounds();
  if (bounds.isValid()) { map.fitBounds(bounds, { padding: [30, 30] }); } else { map.fitWorld(); }
  if (editable.getLayers().length) { map.pm.enableGlobalEditMode(); }
  if (!start) { say(el.dataset.empty || "", true); }

  form.addEventListener("submit", function (e) {
    var g = collect();
    if (!g) { e.preventDefault(); say(el.dataset.empty || "", true); return; }
    input.value = JSON.stringify(g);
  });
})();
