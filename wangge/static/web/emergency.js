/* The warning page's map: the grids in scope coloured by the share of their staff who acknowledged (收到),
   refreshed whenever the coverage block is polled again (htmx). The outlines come from the map page's territory
   GeoJSON; the shares from the warning's coverage.json. */
(function () {
  "use strict";
  var el = document.getElementById("warning-map");
  if (!el || !window.WanggeMaps || !window.L) { return; }
  var map = window.WanggeMaps.base(el);
  var layer = null, shares = {};

  function colour(item) {
    if (!item || item.share === null || item.share === undefined) { return "#868e96"; }
    if (item.share >= 0.9) { return "#2b8a3e"; }
    if (item.share >= 0.6) { return "#f2c200"; }
    return "#e03131";
  }

  function style(feature) {
    var item = shares[String(feature.properties.id)];
    return { color: "#495057", weight: 1, fillColor: colour(item), fillOpacity: item ? 0.55 : 0 };
  }

  function text(feature) {
    var item = shares[String(feature.properties.id)], name = feature.properties.name;
    if (!item) { return name; }
    if (!item.must_ack) { return name + " · " + el.dataset.none; }
    return name + " · " + el.dataset.legend + " " + Math.round(item.share * 100) + "%（" + item.acknowledged + "/" + item.must_ack + "）";
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      return r.json();
    });
  }

  function refresh() {
    return getJSON(el.dataset.coverage).then(function (data) {
      shares = data.grids || {};
      if (layer) {
        layer.setStyle(style);
        layer.eachLayer(function (l) { l.setTooltipContent(text(l.feature)); });
      }
    });
  }

  Promise.all([getJSON(el.dataset.outlines), refresh()]).then(function (results) {
    var fc = results[0];
    fc.features = fc.features.filter(function (f) { return shares[String(f.properties.id)]; });
    layer = L.geoJSON(fc, { style: style, onEachFeature: function (f, l) { l.bindTooltip(text(f), { sticky: true }); } }).addTo(map);
    if (fc.features.length) { map.fitBounds(layer.getBounds(), { padding: [10, 10] }); }
  }).catch(function () { /* the table beside the map says the same */ });

  document.body.addEventListener("htmx:afterSettle", function () {
    if (document.getElementById("coverage")) { refresh().catch(function () {}); }
  });
})();
