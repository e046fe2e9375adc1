/* A grid worker's day (reports:worker_day): the grid, the day's check-ins numbered in order and the path
   between them, from the page's JSON (#day-map-data), on the background map of web/maps.js. */
(function () {
  "use strict";
  var el = document.getElementById("day-map");
  var data = JSON.parse(document.getElementById("day-map-data").textContent);
  var map = WanggeMaps.map(el);  // with the configured background map (data-basemap)
  // The view first (the grid and every check-in in sight), then the layers.
  var path = data.points.map(function (p) { return [p.lat, p.lng]; });
  var grid = L.geoJSON(data.outlines, { style: { color: "#3e6fb0", weight: 2, fillColor: "#cfe0f7", fillOpacity: 0.45 } });
  var bounds = L.latLngBounds(path);
  if (grid.getLayers().length) { bounds.extend(grid.getBounds()); }
  map.fitBounds(bounds.pad(0.15), { maxZoom: 17 });
  grid.addTo(map);
  if (path.length > 1) { L.polyline(path, { color: "#1e5bb8", weight: 2, dashArray: "4 4", opacity: 0.8 }).addTo(map); }
  data.points.forEach(function (p, i) {
    var colour = p.own ? "#1e5bb8" : "#e08600";
    L.marker([p.lat, p.lng], { icon: L.divIcon({ className: "", iconSize: [22, 22], iconAnchor: [11, 11],
      html: '<span style="display:flex;align-items:center;justify-content:center;width:22px;height:22px;border-radius:50%;background:' + colour +
        ';color:#fff;font:700 12px sans-serif;border:2px solid #fff;box-shadow:0 0 3px rgba(0,0,0,.5)">' + (i + 1) + "</span>" }) })
      .bindTooltip(p.time).addTo(map);
  });
})();
