/* Wangge maps on Leaflet. No tile layer unless the platform is configured with one: the territory
   outlines are drawn on a neutral background. Coordinates arrive already in the tiles' datum. */
(function () {
  "use strict";
  var COLOURS = { normal: "#1e8e3e", approaching: "#e08600", overdue: "#d32f2f", "": "#7b8794" };
  var KIND_STYLE = {
    district: { color: "#14325c", weight: 3, fill: false },
    street: { color: "#3e6fb0", weight: 2, fill: false, dashArray: "6 4" },
    community: { color: "#7aa2d6", weight: 1.5, fill: false },
    grid: { color: "#5b7083", weight: 1, fillColor: "#ffffff", fillOpacity: 0.55 },
  };

  function base(el, options) {
    var map = L.map(el, Object.assign({ zoomControl: true, maxZoom: 19, minZoom: 3, attributionControl: !!el.dataset.tiles }, options || {}));
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution || "" }).addTo(map);
    }
    return map;
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      return r.json();
    });
  }

  function outlines(map, url, onEach) {
    return getJSON(url).then(function (fc) {
      var layer = L.geoJSON(fc, {
        style: function (f) { return KIND_STYLE[f.properties.kind] || KIND_STYLE.grid; },
        onEachFeature: onEach,
      });
      layer.addTo(map);
      return layer;
    });
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; });
  }

  function dotIcon(colour, size) {
    size = size || 14;
    return L.divIcon({
      className: "",
      html: '<span style="display:block;width:' + size + "px;height:" + size + "px;border-radius:50%;background:" + colour + ';border:2px solid #fff;box-shadow:0 0 2px rgba(0,0,0,.6)"></span>',
      iconSize: [size, size],
      iconAnchor: [size / 2, size / 2],
    });
  }

  /* A single pin (case detail). */
  function pin(el) {
    var ll = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lng)];
    var map = base(el).setView(ll, 16);
    if (el.dataset.outlines) { outlines(map, el.dataset.outlines).then(function (l) { l.bringToBack(); }).catch(function () {}); }
    L.marker(ll, { icon: dotIcon("#d32f2f", 18) }).addTo(map);
    return map;
  }

  /* Pick a position by tapping, or from the phone (browser geolocation gives WGS-84). */
  function pick(el) {
    var form = el.closest("form");
    var lng = form.querySelector("[name=lng]"), lat = form.querySelector("[name=lat]"), crs = form.querySelector("[name=crs]");
    var status = document.getElementById(el.dataset.status);
    var map = base(el);
    var marker = null;
    var start = el.dataset.start ? el.dataset.start.split(",").map(parseFloat) : null;
    function place(latlng, source) {
      if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng, { icon: dotIcon("#d32f2f", 18) }).addTo(map); }
      lng.value = latlng.lng.toFixed(6); lat.value = latlng.lat.toFixed(6);
      if (crs) { crs.value = source === "gps" ? "wgs84" : (el.dataset.crs || "wgs84"); }
      if (status) { status.textContent = (el.dataset.picked || "") + " " + latlng.lng.toFixed(5) + ", " + latlng.lat.toFixed(5); }
      form.dispatchEvent(new CustomEvent("wangge:picked", { bubbles: true }));
    }
    map.on("click", function (e) { place(e.latlng, "map"); });
    outlines(map, el.dataset.outlines).then(function (layer) {
      layer.eachLayer(function (l) { l.on("click", function (e) { place(e.latlng, "map"); }); });
      if (lng.value && lat.value) {
        var ll = L.latLng(parseFloat(lat.value), parseFloat(lng.value));
        place(ll, crs && crs.value === "wgs84" && el.dataset.crs !== "wgs84" ? "gps" : "map");
        map.setView(ll, 16);
      } else if (start) { map.setView([start[1], start[0]], 16); place(L.latLng(start[1], start[0]), "map"); }
      else { map.fitBounds(layer.getBounds()); }
    }).catch(function () { map.fitWorld(); });
    var button = document.getElementById(el.dataset.locate);
    if (button) {
      if (!navigator.geolocation) { button.disabled = true; }
      button.addEventListener("click", function () {
        if (status) { status.textContent = el.dataset.locating || "…"; }
        navigator.geolocation.getCurrentPosition(function (p) {
          var ll = L.latLng(p.coords.latitude, p.coords.longitude);
          // The phone reports WGS-84; the marker is placed as sent, the server converts if needed.
          place(ll, "gps"); map.setView(ll, 16);
        }, function () { if (status) { status.textContent = el.dataset.denied || ""; } }, { enableHighAccuracy: true, timeout: 10000 });
      });
    }
    return map;
  }

  /* The map page: outlines with grid codes, cases (clustered, coloured by time left), points. */
  function full(el) {
    var labels = JSON.parse(document.getElementById("map-labels").textContent);
    var map = base(el);
    var panel = document.getElementById(el.dataset.panel);
    var control = L.control.layers(null, null, { collapsed: window.innerWidth < 700 }).addTo(map);
    var selected = null;
    function labelZoom() { el.classList.toggle("zoomed-out", map.getZoom() < 14); }
    map.on("zoomend", labelZoom);
    outlines(map, el.dataset.outlines, function (feature, layer) {
      var p = feature.properties;
      if (p.kind === "grid") {
        // Grid codes (last segment) stay on the map once zoomed in far enough to read them.
        layer.bindTooltip(p.code.slice(-3), { permanent: true, direction: "center", className: "grid-label" });
      } else {
        layer.bindTooltip(escapeHtml(p.name), { sticky: true });
      }
      layer.on("click", function () {
        if (selected) { selected.setStyle({ fillColor: "#ffffff", weight: KIND_STYLE.grid.weight }); }
        if (p.kind === "grid") { layer.setStyle({ fillColor: "#ffe08a", weight: 2 }); selected = layer; }
        if (panel && window.htmx) { htmx.ajax("GET", el.dataset.panelUrl.replace("/0/", "/" + p.id + "/"), { target: panel }); }
      });
    }).then(function (layer) {
      control.addOverlay(layer, labels.outlines);
      if (layer.getLayers().length) { map.fitBounds(layer.getBounds()); } else { map.fitWorld(); }
      labelZoom();
    }).catch(function () { map.fitWorld(); }).then(function () {
      return getJSON(el.dataset.cases);
    }).then(function (data) {
      var cluster = L.markerClusterGroup({ chunkedLoading: true, maxClusterRadius: 45 });
      var markers = [];
      for (var i = 0; i < data.count; i++) {
        var m = L.marker([data.lat[i], data.lng[i]], { icon: dotIcon(COLOURS[data.clock[i]] || COLOURS[""], 14) });
        m.bindPopup('<a href="' + el.dataset.caseUrl.replace("/0/", "/" + data.id[i] + "/") + '">' + data.code[i] + "</a><br>" + (labels.status[data.status[i]] || data.status[i]) + (data.clock[i] ? " · " + labels.clock[data.clock[i]] : ""));
        markers.push(m);
      }
      cluster.addLayers(markers);
      cluster.addTo(map);
      control.addOverlay(cluster, labels.cases + " (" + data.count + ")");
      if (!map._loaded || !map.getBounds().isValid()) { map.fitBounds(cluster.getBounds()); }
      return getJSON(el.dataset.points);
    }).then(function (data) {
      var byType = {};
      for (var i = 0; i < data.count; i++) {
        var layer = byType[data.type[i]] || (byType[data.type[i]] = { name: data.type_name[i], group: L.layerGroup() });
        var m = L.circleMarker([data.lat[i], data.lng[i]], { radius: 6, color: "#fff", weight: 1.5, fillColor: "#6b46c1", fillOpacity: 0.9 });
        m.bindPopup("<strong>" + escapeHtml(data.name[i]) + "</strong><br>" + escapeHtml(data.type_name[i]) + "<br>" + labels.responsible + "：" + escapeHtml(data.responsible[i] || "—"));
        layer.group.addLayer(m);
      }
      Object.keys(byType).forEach(function (key) {
        byType[key].group.addTo(map);
        control.addOverlay(byType[key].group, labels.points + "·" + byType[key].name);
      });
      el.dataset.ready = "1";
    });
    return map;
  }

  window.WanggeMaps = { base: base, pin: pin, pick: pick, full: full };
})();
