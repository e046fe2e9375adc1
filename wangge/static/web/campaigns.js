/* The campaign page's map: its points as dots coloured by inspection state (待排查 grey, 已排查 green, 发现问题
   red), over the street outlines. The points arrive in the tiles' datum, as JSON in the element named by
   data-campaign-map. */
(function () {
  "use strict";
  var COLOURS = { todo: "#7b8794", inspected: "#1e8e3e", problem: "#d32f2f" };
  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; });
  }
  document.querySelectorAll("[data-campaign-map]").forEach(function (el) {
    if (!window.L || !window.WanggeMaps) { return; }
    var source = document.getElementById(el.dataset.campaignMap);
    var data = source ? JSON.parse(source.textContent) : { points: [], labels: {} };
    var map = window.WanggeMaps.map(el);
    var group = L.featureGroup();
    data.points.forEach(function (p) {
      L.circleMarker([p.lat, p.lng], { radius: 7, color: "#ffffff", weight: 1.5, fillColor: COLOURS[p.state] || COLOURS.todo, fillOpacity: 0.95 })
        .bindPopup(escapeHtml(p.name) + "<br>" + escapeHtml(data.labels[p.state] || ""))
        .addTo(group);
    });
    group.addTo(map);
    if (data.points.length) { map.fitBounds(group.getBounds().pad(0.15), { maxZoom: 16 }); } else { map.setView([33.7, 113.3], 10); }
    var legend = L.control({ position: "bottomleft" });
    legend.onAdd = function () {
      var div = L.DomUtil.create("div", "map-legend");
      div.style.background = "#fff"; div.style.padding = "4px 8px"; div.style.borderRadius = "4px"; div.style.fontSize = "12px";
      Object.keys(COLOURS).forEach(function (k) {
        var dot = document.createElement("span");
        dot.style.display = "inline-block"; dot.style.width = "10px"; dot.style.height = "10px";
        dot.style.borderRadius = "50%"; dot.style.background = COLOURS[k]; dot.style.margin = "0 4px 0 8px";
        div.appendChild(dot);
        div.appendChild(document.createTextNode(data.labels[k] || k));
      });
      return div;
    };
    legend.addTo(map);
  });
})();
