/* 抢险队伍 map (web/duty/teams.html): one marker per team, from the JSON the page carries (positions already in
   the background map's datum), on the platform's map (WanggeMaps.map), with the street outlines. */
(function () {
  "use strict";
  var el = document.querySelector("[data-teams]");
  if (!el || !window.L || !window.WanggeMaps) return;
  var source = document.getElementById(el.dataset.teams);
  var teams = source ? JSON.parse(source.textContent) : [];
  if (!teams.length) return;
  var map = window.WanggeMaps.map(el);
  var bounds = [];
  teams.forEach(function (t) {
    var ll = [t.lat, t.lng];
    bounds.push(ll);
    var box = document.createElement("div");
    var name = document.createElement("b");
    name.textContent = t.name;
    box.appendChild(name);
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(t.kind + " · " + t.members));
    L.circleMarker(ll, { radius: 8, color: "#fff", weight: 2, fillColor: "#1864ab", fillOpacity: 0.9 }).bindPopup(box).addTo(map);
  });
  map.fitBounds(bounds, { padding: [30, 30], maxZoom: 15 });
  if (el.dataset.outlines && window.fetch) {
    fetch(el.dataset.outlines, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data) { L.geoJSON(data, { style: { color: "#3e6fb0", weight: 2, fill: false, dashArray: "6 4" }, interactive: false }).addTo(map).bringToBack(); }
      })
      .catch(function () {});
  }
})();
