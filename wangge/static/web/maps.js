/* Wangge maps on Leaflet. The background map is the platform's configuration (territory.basemaps), written by
   the server as JSON into the map element's data-basemap and read by one function, WanggeMaps.map, which every
   map script calls (outline_edit.js and worker_day.js too): 天地图, an intranet tile server or the platform's own
   MBTiles file; without one, the territory outlines are drawn on a neutral background, labelled.
   Coordinates arrive already in the tiles' datum (the server shifts them for GCJ-02 tiles). */
(function () {
  "use strict";
  var COLOURS = { normal: "#1e8e3e", approaching: "#e08600", overdue: "#d32f2f", "": "#7b8794" };
  // Worst first: a cluster takes the colour of the most urgent case inside it.
  var SEVERITY = { overdue: 3, approaching: 2, normal: 1, "": 0 };
  var SEVERITY_CLOCK = ["", "normal", "approaching", "overdue"];
  // Point types, in the order the server lists them: squares in colours apart from the clock's green,
  // orange and red, so that a point is never read as a case.
  var TYPE_PALETTE = ["#6b46c1", "#0b7285", "#1864ab", "#8d5524", "#ae3ec9", "#1c3d5a", "#15aabf", "#495057"];
  var KIND_STYLE = {
    district: { color: "#14325c", weight: 3, fill: false },
    street: { color: "#3e6fb0", weight: 2, fill: false, dashArray: "6 4" },
    community: { color: "#7aa2d6", weight: 1.5, fill: false },
    grid: { color: "#5b7083", weight: 1, fillColor: "#ffffff", fillOpacity: 0.55 },
  };
  var SELECTED = { color: "#b7791f", weight: 3, fillColor: "#ffe08a", fillOpacity: 0.45 };

  var NO_BASEMAP = { source: "none", datum: "wgs84", layers: [] };

  /* The background map configured for this element: { source, datum, layers: [{ url, subdomains,
     attribution, min_native_zoom, max_native_zoom, bounds: [west, south, east, north] }] }, bottom first. */
  function basemapOf(el) {
    var config = null;
    try { config = el.dataset.basemap ? JSON.parse(el.dataset.basemap) : null; } catch (e) { config = null; }
    return config && config.layers ? config : NO_BASEMAP;
  }

  /* A Leaflet map on el with its background map: the one way every Wangge map is made. */
  function makeMap(el, options) {
    var config = basemapOf(el);
    var map = L.map(el, Object.assign({ zoomControl: true, maxZoom: 19, minZoom: 3, zoomSnap: 0.5, attributionControl: config.layers.length > 0 }, options || {}));
    config.layers.forEach(function (layer) {
      var o = { maxZoom: map.getMaxZoom(), attribution: layer.attribution || "" };
      if (layer.subdomains) { o.subdomains = layer.subdomains; }
      if (layer.max_native_zoom != null) { o.maxNativeZoom = layer.max_native_zoom; }
      // Below the file's lowest zoom nothing is drawn (scaling its tiles down would ask for thousands).
      if (layer.min_native_zoom != null) { o.minZoom = layer.min_native_zoom; }
      if (layer.bounds) { o.bounds = [[layer.bounds[1], layer.bounds[0]], [layer.bounds[3], layer.bounds[2]]]; }
      L.tileLayer(layer.url, o).addTo(map);
    });
    el.classList.add(config.layers.length ? "has-basemap" : "no-basemap");
    el.wanggeMap = map;
    map.wanggeBasemap = config;
    return map;
  }

  function base(el, options) {
    return makeMap(el, options);
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (r.redirected && window.Wangge && window.Wangge.isLogin(r.url)) { window.Wangge.toLogin(); }
      if (!r.ok) { throw new Error(r.status); }
      return r.json();
    });
  }

  function outlines(map, url, onEach, style) {
    return getJSON(url).then(function (fc) {
      var layer = L.geoJSON(fc, {
        style: style || function (f) { return KIND_STYLE[f.properties.kind] || KIND_STYLE.grid; },
        onEachFeature: onEach,
      });
      layer.addTo(map);
      layer.collection = fc;
      return layer;
    });
  }

  /* Names written on the map at each outline's label point (a point inside it, from the server): one level at a
     time by zoom (districts, streets, communities, grids), the nearest level the user has where theirs is
     missing; a name that would overlap one already written is left out. Not clickable: a tap reaches the outline. */
  var LABEL_LEVELS = ["district", "street", "community", "grid"];
  var LABEL_STYLE = {
    district: "font-weight:700;font-size:16px;line-height:1.2;color:#14325c",
    street: "font-weight:700;font-size:14px;line-height:1.2;color:#1f4e8c",
    community: "font-weight:600;font-size:13px;line-height:1.2;color:#2d5f9a",
    grid: "font-weight:600;font-size:12px;line-height:1.2;color:#37474f",
  };
  var LABEL_SIZE = { district: 16, street: 14, community: 13, grid: 12 };

  function labelLevel(zoom) {
    return zoom < 10 ? 0 : zoom < 12.5 ? 1 : zoom < 14.5 ? 2 : 3;
  }

  function textWidth(text, size) {
    var w = 0;
    for (var i = 0; i < text.length; i++) { w += text.charCodeAt(i) > 0x2e80 ? size : size * 0.6; }
    return w;
  }

  function labelLayer(map, collection, text) {
    var pane = map.getPane("wangge-labels") || map.createPane("wangge-labels");
    pane.style.zIndex = 590;  // above the outlines and the heat, below the markers
    pane.style.pointerEvents = "none";
    var group = L.layerGroup().addTo(map), byLevel = [[], [], [], []];
    collection.features.forEach(function (f) {
      var p = f.properties || {}, level = LABEL_LEVELS.indexOf(p.kind);
      if (level < 0 || !p.label) { return; }
      byLevel[level].push({ kind: p.kind, name: text ? text(p) : p.name, ll: L.latLng(p.label[1], p.label[0]) });
    });
    function chosen() {
      var want = labelLevel(map.getZoom()), best = -1;
      for (var i = 0; i < byLevel.length; i++) {
        if (byLevel[i].length && (best < 0 || Math.abs(i - want) < Math.abs(best - want))) { best = i; }
      }
      return best;
    }
    function draw() {
      group.clearLayers();
      var level = chosen();
      if (level < 0) { return; }
      var view = map.getBounds().pad(0.2), taken = [];
      byLevel[level].forEach(function (item) {
        if (!view.contains(item.ll)) { return; }
        var size = LABEL_SIZE[item.kind], p = map.latLngToContainerPoint(item.ll);
        var half = textWidth(item.name, size) / 2 + 4, box = [p.x - half, p.y - size, p.x + half, p.y + size];
        for (var i = 0; i < taken.length; i++) {
          var t = taken[i];
          if (box[0] < t[2] && t[0] < box[2] && box[1] < t[3] && t[1] < box[3]) { return; }
        }
        taken.push(box);
        group.addLayer(L.marker(item.ll, {
          pane: "wangge-labels", interactive: false, keyboard: false,
          icon: L.divIcon({
            className: "wangge-label", iconSize: null,
            html: '<span class="map-label map-label-' + item.kind + '" style="position:absolute;left:0;top:0;transform:translate(-50%,-50%);white-space:nowrap;' +
              LABEL_STYLE[item.kind] + ';text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff,0 0 1px #fff">' + escapeHtml(item.name) + "</span>",
          }),
        }));
      });
    }
    map.on("zoomend moveend", draw);
    draw();
    return group;
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

  function squareIcon(colour) {
    return L.divIcon({
      className: "",
      html: '<span style="display:block;width:11px;height:11px;background:' + colour + ';border:1.5px solid #fff;box-shadow:0 0 2px rgba(0,0,0,.7)"></span>',
      iconSize: [11, 11],
      iconAnchor: [6, 6],
    });
  }

  function jsonScript(id) {
    var node = id && document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  /* A single pin (case detail, dispatch screen): the case's grid highlighted and named, the grids around it. */
  function pin(el) {
    var ll = L.latLng(parseFloat(el.dataset.lat), parseFloat(el.dataset.lng));
    var map = base(el);
    var grid = jsonScript(el.dataset.grid);
    if (grid) {
      var own = L.geoJSON(grid, { style: SELECTED, interactive: false }).addTo(map);
      var p = grid.properties || {}, box = own.getBounds();
      L.tooltip({ permanent: true, direction: "top", className: "grid-name" })
        .setLatLng([box.getNorth(), box.getCenter().lng]).setContent(escapeHtml(p.name + " · " + p.code)).addTo(map);
      map.fitBounds(box.extend(ll), { padding: [30, 30], maxZoom: 17 });
    } else {
      map.setView(ll, 16);
    }
    if (el.dataset.outlines) {
      outlines(map, el.dataset.outlines, null, function () { return Object.assign({}, KIND_STYLE.grid, { fillOpacity: 0, interactive: false }); })
        .then(function (l) { l.bringToBack(); }).catch(function () {});
    }
    L.marker(ll, { icon: dotIcon("#d32f2f", 18) }).addTo(map);
    return map;
  }

  /* Pick a position by tapping inside the platform's districts, or from the phone (browser geolocation
     gives WGS-84). A tap outside every district is not taken: the case would have no district. */
  function pick(el) {
    var form = el.closest("form");
    var lng = form.querySelector("[name=lng]"), lat = form.querySelector("[name=lat]"), crs = form.querySelector("[name=crs]");
    var status = document.getElementById(el.dataset.status);
    var map = base(el);
    var marker = null, bounded = false;
    var start = el.dataset.start ? el.dataset.start.split(",").map(parseFloat) : null;
    var focus = el.dataset.focus ? el.dataset.focus.split(",").map(parseFloat) : null;  // the user's own area
    function say(text, warn) {
      if (status) { status.textContent = text; status.classList.toggle("warn", !!warn); }
    }
    var areas = "", asked = 0;
    function outside() {
      say((el.dataset.outside || "").replace("%(area)s", areas).replace("（）", ""), true);
    }
    // The place picked named as people know it (district, street, community, grid), never as bare coordinates.
    function describe(latlng, datum) {
      var n = ++asked, fallback = (el.dataset.picked || "") + " " + latlng.lng.toFixed(5) + ", " + latlng.lat.toFixed(5);
      if (!el.dataset.place) { say(fallback); return; }
      say((el.dataset.picked || "") + " …");
      getJSON(el.dataset.place + "?lng=" + latlng.lng.toFixed(6) + "&lat=" + latlng.lat.toFixed(6) + "&crs=" + encodeURIComponent(datum))
        .then(function (data) {
          if (n !== asked) { return; }
          if (data.inside) { say((el.dataset.picked || "") + data.label); } else { outside(); }
        }).catch(function () { if (n === asked) { say(fallback); } });
    }
    function place(latlng, source) {
      if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng, { icon: dotIcon("#d32f2f", 18) }).addTo(map); }
      lng.value = latlng.lng.toFixed(6); lat.value = latlng.lat.toFixed(6);
      var datum = source === "gps" ? "wgs84" : (el.dataset.crs || "wgs84");
      if (crs) { crs.value = datum; }
      describe(latlng, datum);
      form.dispatchEvent(new CustomEvent("wangge:picked", { bubbles: true }));
    }
    map.on("click", function (e) {
      if (bounded) { outside(); } else { place(e.latlng, "map"); }
    });
    function style(f) {
      // Districts are filled (almost invisibly) so that a tap anywhere inside them reaches the layer.
      var s = Object.assign({}, KIND_STYLE[f.properties.kind] || KIND_STYLE.grid);
      if (f.properties.kind === "district") { s.fill = true; s.fillColor = "#ffffff"; s.fillOpacity = 0.35; }
      return s;
    }
    outlines(map, el.dataset.outlines, null, style).then(function (layer) {
      bounded = layer.getLayers().length > 0;
      var names = [];
      layer.collection.features.forEach(function (f) { if (f.properties.kind === "district" && names.indexOf(f.properties.name) < 0) { names.push(f.properties.name); } });
      areas = names.join("、");
      layer.eachLayer(function (l) { l.on("click", function (e) { L.DomEvent.stopPropagation(e); place(e.latlng, "map"); }); });
      if (lng.value && lat.value) {
        var ll = L.latLng(parseFloat(lat.value), parseFloat(lng.value));
        place(ll, crs && crs.value === "wgs84" && el.dataset.crs !== "wgs84" ? "gps" : "map");
        map.setView(ll, 16);
      } else if (start) { map.setView([start[1], start[0]], 16); place(L.latLng(start[1], start[0]), "map"); }
      else if (focus) { map.fitBounds([[focus[1], focus[0]], [focus[3], focus[2]]], { padding: [20, 20] }); }
      else if (bounded) { map.fitBounds(layer.getBounds()); }
      else { map.fitWorld(); }
      labelLayer(map, layer.collection);
      el.dataset.ready = "1";
    }).catch(function () { if (!map._loaded) { map.fitWorld(); } });
    var button = document.getElementById(el.dataset.locate);
    if (button) {
      if (!navigator.geolocation) { button.disabled = true; }
      button.addEventListener("click", function () {
        say(el.dataset.locating || "…");
        navigator.geolocation.getCurrentPosition(function (p) {
          var ll = L.latLng(p.coords.latitude, p.coords.longitude);
          // The phone reports WGS-84; the marker is placed as sent, the server converts if needed.
          place(ll, "gps"); map.setView(ll, 16);
        }, function () { say(el.dataset.denied || "", true); }, { enableHighAccuracy: true, timeout: 10000 });
      });
    }
    return map;
  }

  /* Heat of case density on a canvas: each case a blurred spot, the summed intensity coloured
     green → yellow → red. Redrawn after every move; hidden while zooming. */
  var HeatLayer = L.Layer.extend({
    initialize: function (latlngs, options) {
      this._latlngs = latlngs;
      L.setOptions(this, Object.assign({ radius: 26, opacity: 0.8 }, options || {}));
    },
    onAdd: function (map) {
      this._canvas = L.DomUtil.create("canvas", "wangge-heat leaflet-zoom-hide");
      this._canvas.style.position = "absolute";
      this._canvas.style.pointerEvents = "none";
      // Above the outlines (overlay pane, 400), below the points (marker pane, 600).
      var pane = map.getPane("wangge-heat") || map.createPane("wangge-heat");
      pane.style.zIndex = 450;
      pane.appendChild(this._canvas);
      map.on("moveend resize", this._draw, this);
      this._draw();
    },
    onRemove: function (map) {
      L.DomUtil.remove(this._canvas);
      map.off("moveend resize", this._draw, this);
    },
    _stamp: function () {
      if (this._spot) { return this._spot; }
      var r = this.options.radius, c = document.createElement("canvas"), g;
      c.width = c.height = r * 2;
      g = c.getContext("2d").createRadialGradient(r, r, 0, r, r, r);
      g.addColorStop(0, "rgba(0,0,0,0.5)"); g.addColorStop(0.5, "rgba(0,0,0,0.25)"); g.addColorStop(1, "rgba(0,0,0,0)");
      var ctx = c.getContext("2d"); ctx.fillStyle = g; ctx.fillRect(0, 0, r * 2, r * 2);
      this._spot = c;
      return c;
    },
    _palette: function () {
      if (this._colours) { return this._colours; }
      var c = document.createElement("canvas"), ctx = c.getContext("2d"), g = ctx.createLinearGradient(0, 0, 256, 0);
      c.width = 256; c.height = 1;
      g.addColorStop(0, "#2b8a3e"); g.addColorStop(0.45, "#fab005"); g.addColorStop(0.75, "#f76707"); g.addColorStop(1, "#c92a2a");
      ctx.fillStyle = g; ctx.fillRect(0, 0, 256, 1);
      this._colours = ctx.getImageData(0, 0, 256, 1).data;
      return this._colours;
    },
    _draw: function () {
      var map = this._map, size = map.getSize(), canvas = this._canvas, r = this.options.radius;
      L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
      canvas.width = size.x; canvas.height = size.y;
      var ctx = canvas.getContext("2d"), spot = this._stamp(), i, p;
      for (i = 0; i < this._latlngs.length; i++) {
        p = map.latLngToContainerPoint(this._latlngs[i]);
        if (p.x > -r && p.y > -r && p.x < size.x + r && p.y < size.y + r) { ctx.drawImage(spot, p.x - r, p.y - r); }
      }
      if (!size.x || !size.y) { return; }
      var image = ctx.getImageData(0, 0, size.x, size.y), px = image.data, colours = this._palette(), a, j;
      for (i = 3; i < px.length; i += 4) {
        a = px[i];
        if (!a) { continue; }
        j = a * 4;
        px[i - 3] = colours[j]; px[i - 2] = colours[j + 1]; px[i - 1] = colours[j + 2];
        px[i] = Math.min(255, a * 2.5) * this.options.opacity;
      }
      ctx.putImageData(image, 0, 0);
    },
  });

  function clusterIcon(cluster) {
    var worst = 0;
    cluster.getAllChildMarkers().forEach(function (m) { worst = Math.max(worst, SEVERITY[m.options.clock || ""] || 0); });
    var n = cluster.getChildCount(), size = n < 10 ? 30 : n < 100 ? 36 : 44;
    return L.divIcon({
      html: "<span>" + n + "</span>",
      className: "case-cluster clock-" + (SEVERITY_CLOCK[worst] || "none"),
      iconSize: [size, size],
    });
  }

  function swatch(colour, round) {
    return '<i class="swatch" style="background:' + colour + (round ? ";border-radius:50%" : "") + '"></i>';
  }

  /* The map page: outlines with grid codes; cases clustered, as single markers or as heat (coloured by
     time left); points coloured by type with their responsible person; a side panel per grid. */
  function full(el) {
    var labels = JSON.parse(document.getElementById("map-labels").textContent);
    var map = base(el);
    var panel = document.getElementById(el.dataset.panel);
    var control = L.control.layers(null, null, { collapsed: window.innerWidth < 700 }).addTo(map);
    var selected = null, byId = {};
    function choose(layer, p) {
      if (selected) { selected.setStyle({ fillColor: "#ffffff", weight: KIND_STYLE.grid.weight, color: KIND_STYLE.grid.color }); selected = null; }
      if (p.kind === "grid") { layer.setStyle(SELECTED); selected = layer; }
      if (panel && window.htmx) { htmx.ajax("GET", el.dataset.panelUrl.replace("/0/", "/" + p.id + "/"), { target: panel }); }
    }
    outlines(map, el.dataset.outlines, function (feature, layer) {
      var p = feature.properties;
      byId[p.id] = layer;
      layer.bindTooltip(escapeHtml(p.kind === "grid" ? p.name + " · " + p.code : p.name), { sticky: true });
      layer.on("click", function () { choose(layer, p); });
    }).then(function (layer) {
      control.addOverlay(layer, labels.outlines);
      if (layer.getLayers().length) { map.fitBounds(layer.getBounds()); } else { map.fitWorld(); }
      control.addOverlay(labelLayer(map, layer.collection), labels.names);
    }).catch(function () { if (!map._loaded) { map.fitWorld(); } }).then(function () {
      search(map, document.getElementById(el.dataset.search), labels, function (id) {
        var layer = byId[id];
        if (layer) { choose(layer, layer.feature.properties); }
        return layer || null;
      });
    }).then(function () {
      return getJSON(el.dataset.cases);
    }).then(function (data) {
      var cluster = L.markerClusterGroup({ chunkedLoading: true, maxClusterRadius: 45, iconCreateFunction: clusterIcon });
      var single = L.layerGroup(), points = [], clustered = [];
      for (var i = 0; i < data.count; i++) {
        var clock = data.clock[i] || "";
        var popup = '<a href="' + el.dataset.caseUrl.replace("/0/", "/" + data.id[i] + "/") + '">' + escapeHtml(data.code[i]) + "</a><br>" + escapeHtml(labels.status[data.status[i]] || data.status[i]) + (clock ? " · " + escapeHtml(labels.clock[clock]) : "");
        var ll = [data.lat[i], data.lng[i]];
        clustered.push(L.marker(ll, { icon: dotIcon(COLOURS[clock] || COLOURS[""], 14), clock: clock }).bindPopup(popup));
        single.addLayer(L.circleMarker(ll, { radius: 6, color: "#fff", weight: 1.5, fillColor: COLOURS[clock] || COLOURS[""], fillOpacity: 0.95 }).bindPopup(popup));
        points.push(L.latLng(ll[0], ll[1]));
      }
      cluster.addLayers(clustered);
      cluster.addTo(map);
      // The three ways of showing the cases exclude each other: radio buttons of the layer control.
      // 在办 = placed here + without coordinates (listed under the map): say both when some cannot be placed.
      var suffix = " (" + data.count + (data.unplaced ? labels.unplaced_suffix.replace("%(n)s", data.unplaced) : "") + ")";
      control.addBaseLayer(cluster, labels.cases + " · " + labels.modes.cluster + suffix);
      control.addBaseLayer(single, labels.cases + " · " + labels.modes.markers + suffix);
      control.addBaseLayer(new HeatLayer(points), labels.cases + " · " + labels.modes.heat + suffix);
      if (!map._loaded || !map.getBounds().isValid()) { map.fitBounds(cluster.getBounds()); }
      return getJSON(el.dataset.points);
    }).then(function (data) {
      var colours = {}, byType = {};
      (labels.point_types || []).forEach(function (t, i) { colours[t.key] = TYPE_PALETTE[i % TYPE_PALETTE.length]; });
      for (var i = 0; i < data.count; i++) {
        var key = data.type[i], colour = colours[key] || TYPE_PALETTE[TYPE_PALETTE.length - 1];
        var layer = byType[key] || (byType[key] = { name: data.type_name[i], colour: colour, group: L.layerGroup() });
        var m = L.marker([data.lat[i], data.lng[i]], { icon: squareIcon(colour) });
        m.bindPopup("<strong>" + escapeHtml(data.name[i]) + "</strong><br>" + escapeHtml(data.type_name[i]) + "<br>" + escapeHtml(labels.responsible_of.replace("%(name)s", data.responsible[i] || "—")));
        layer.group.addLayer(m);
      }
      var legend = document.getElementById(el.dataset.legend);
      Object.keys(byType).forEach(function (key) {
        var t = byType[key];
        t.group.addTo(map);
        control.addOverlay(t.group, swatch(t.colour) + escapeHtml(labels.points + " · " + t.name));
        if (legend) { legend.insertAdjacentHTML("beforeend", "<span>" + swatch(t.colour) + escapeHtml(t.name) + "</span>"); }
      });
      return ledgerLayers(map, el, control, labels).catch(function () {});
    }).then(function () {
      geojsonLayers(map, control, labels);
    }).then(function () {
      el.dataset.ready = "1";
    });
    return map;
  }

  /* 地图搜索: one box (form#map-search, its data-url answering JSON) finds places by address or name, grids by
     code or name, points, ledger rows and cases by tracking code, in the user's territories. A result flies
     there: the outline's bounds (and its panel, for an outline drawn on the map), or the point, marked. */
  function search(map, form, labels, chooseOutline) {
    if (!form) { return; }
    var input = form.querySelector("input[name=q]"), list = form.querySelector("[data-results]");
    var mark = L.layerGroup().addTo(map), asked = 0;
    function show(html) { list.innerHTML = html; list.hidden = !html; }
    function go(r) {
      mark.clearLayers();
      if (r.bounds) {
        var b = L.latLngBounds([r.bounds[1], r.bounds[0]], [r.bounds[3], r.bounds[2]]);
        map.flyToBounds(b, { padding: [24, 24], maxZoom: 17, duration: 0.8 });
        var found = r.outline ? chooseOutline(r.outline) : null;
        if (found && found.feature.properties.kind !== "grid") {
          mark.addLayer(L.geoJSON(found.feature, { style: { color: "#b7791f", weight: 3, fill: false }, interactive: false }));
        } else if (!found) {
          mark.addLayer(L.rectangle(b, { color: "#b7791f", weight: 2, fill: false, dashArray: "6 4", interactive: false }));
        }
      }
      if (r.point) {
        var ll = L.latLng(r.point[1], r.point[0]);
        if (!r.bounds) { map.flyTo(ll, Math.max(map.getZoom(), 17), { duration: 0.8 }); }
        var text = "<strong>" + (r.url ? '<a href="' + escapeHtml(r.url) + '">' + escapeHtml(r.name) + "</a>" : escapeHtml(r.name)) + "</strong><br>" + escapeHtml(r.type_label + (r.detail ? " · " + r.detail : ""));
        var ring = L.circleMarker(ll, { radius: 16, color: "#b7791f", weight: 3, fillColor: "#ffe08a", fillOpacity: 0.35 }).bindPopup(text);
        mark.addLayer(ring);
        mark.addLayer(L.marker(ll, { icon: dotIcon("#b7791f", 12) }).bindPopup(text));
        map.once("moveend", function () { ring.openPopup(); });
      }
      if (!r.bounds && !r.point && r.url) { window.location.href = r.url; }
    }
    function ask() {
      var q = input.value.trim(), n = ++asked;
      if (!q) { show(""); return; }
      getJSON(form.dataset.url + "?q=" + encodeURIComponent(q)).then(function (data) {
        if (n !== asked) { return; }
        if (!data.results.length) { show('<li class="muted">' + escapeHtml(labels.search_none) + "</li>"); return; }
        show(data.results.map(function (r, i) {
          return '<li><button type="button" data-i="' + i + '"><span class="badge">' + escapeHtml(r.type_label) + "</span> <b>" + escapeHtml(r.name) + "</b>" +
            (r.detail ? ' <span class="muted">' + escapeHtml(r.detail) + "</span>" : "") + (r.bounds || r.point ? "" : ' <span class="muted">' + escapeHtml(labels.search_unplaced) + "</span>") + "</button></li>";
        }).join("") + (data.truncated ? '<li class="muted">' + escapeHtml(labels.search_more) + "</li>" : ""));
        list.querySelectorAll("button[data-i]").forEach(function (b) {
          b.addEventListener("click", function () { go(data.results[+b.dataset.i]); show(""); });
        });
      }).catch(function () { if (n === asked) { show('<li class="warn">' + escapeHtml(labels.search_failed) + "</li>"); } });
    }
    var timer = null;
    form.addEventListener("submit", function (e) { e.preventDefault(); window.clearTimeout(timer); ask(); });
    input.addEventListener("input", function () { window.clearTimeout(timer); timer = window.setTimeout(ask, 300); });
    input.addEventListener("keydown", function (e) { if (e.key === "Escape") { show(""); } });
    form.dataset.ready = "1";
  }

  function detailLink(pattern, id, text) {
    var label = escapeHtml(text);
    return pattern ? '<a href="' + pattern.replace("/0/", "/" + id + "/") + '">' + label + "</a>" : label;
  }

  function diamondIcon(colour) {
    return L.divIcon({
      className: "",
      html: '<span style="display:block;width:12px;height:12px;background:' + colour + ';transform:rotate(45deg);border:1.5px solid #fff;box-shadow:0 0 2px rgba(0,0,0,.7)"></span>',
      iconSize: [12, 12],
      iconAnchor: [6, 6],
    });
  }

  /* The ledger layers (楼栋, 商户/单位, 治安隐患): toggles of the layer control, off until chosen, each loaded
     the first time it is switched on. A map element without their data- URLs draws none of them. */
  function ledgerLayers(map, el, control, labels) {
    var layers = [
      { url: el.dataset.buildings, label: labels.buildings, colour: "#2f4858", draw: function (d, i) {
        var popup = "<strong>" + detailLink(el.dataset.buildingUrl, d.id[i], d.name[i]) + "</strong><br>" + escapeHtml(d.code[i]) +
          "<br>" + escapeHtml(labels.households_of.replace("%(n)s", d.households[i])) +
          (d.head[i] ? "<br>" + escapeHtml(labels.head_of.replace("%(name)s", d.head[i])) : "");
        return L.circleMarker([d.lat[i], d.lng[i]], { radius: 5, color: "#fff", weight: 1, fillColor: "#2f4858", fillOpacity: 0.9 }).bindPopup(popup);
      } },
      { url: el.dataset.merchants, label: labels.merchants, colour: "#0b7285", draw: function (d, i) {
        var popup = "<strong>" + detailLink(el.dataset.merchantUrl, d.id[i], d.name[i]) + "</strong><br>" +
          escapeHtml((labels.merchant_kinds[d.kind[i]] || d.kind[i]) + " · " + (labels.merchant_status[d.status[i]] || d.status[i]));
        return L.circleMarker([d.lat[i], d.lng[i]], { radius: 5, color: "#fff", weight: 1, fillColor: "#0b7285", fillOpacity: 0.9 }).bindPopup(popup);
      } },
      { url: el.dataset.hazards, label: labels.hazards, colour: "#c92a2a", draw: function (d, i) {
        var popup = "<strong>" + detailLink(el.dataset.hazardUrl, d.id[i], d.code[i]) + "</strong> " + escapeHtml(d.type[i]) + "<br>" +
          escapeHtml(d.title[i]) + "<br>" + escapeHtml(labels.hazard_status[d.status[i]] || d.status[i]) +
          (d.overdue[i] ? ' · <span class="warn">' + escapeHtml(labels.overdue) + "</span>" : "");
        return L.marker([d.lat[i], d.lng[i]], { icon: diamondIcon(d.overdue[i] ? "#c92a2a" : "#e8590c") }).bindPopup(popup);
      } },
    ];
    var pending = [];
    layers.forEach(function (spec) {
      if (!spec.url) { return; }
      var group = L.layerGroup(), loaded = null;
      function load() {
        loaded = loaded || getJSON(spec.url).then(function (data) {
          for (var i = 0; i < data.count; i++) { group.addLayer(spec.draw(data, i)); }
          return data.count;
        });
        return loaded;
      }
      group.on("add", function () { load().catch(function () { loaded = null; }); });
      control.addOverlay(group, swatch(spec.colour, true) + escapeHtml(spec.label));
      pending.push(group);
    });
    return Promise.resolve(pending);
  }

  /* The modules' GeoJSON layers (党组织, 分包, 护学岗; labels.geojson_layers: [{ url, label, colour }]): toggles of
     the layer control, off until chosen, each loaded once. A feature's properties give its popup: ``name`` linked
     to ``url``, ``kind_label`` (or ``kind``), and the optional ``responsible``, ``leader_title``, ``duty`` and
     ``members``; points are drawn as dots, lines as lines, in ``colour`` or the layer's. */
  function geojsonLayers(map, control, labels) {
    (labels.geojson_layers || []).forEach(function (spec) {
      var group = L.layerGroup(), loaded = null;
      function popup(p) {
        var title = p.url ? '<a href="' + escapeHtml(p.url) + '">' + escapeHtml(p.name || "") + "</a>" : escapeHtml(p.name || "");
        var lines = [p.kind_label || p.kind || "", p.responsible || "", p.leader_title || "", p.duty || ""];
        if (p.members !== undefined && labels.members_of) { lines.push(labels.members_of.replace("%(n)s", p.members)); }
        return "<strong>" + title + "</strong>" + lines.filter(function (x) { return x; }).map(function (x) { return "<br>" + escapeHtml(String(x)); }).join("");
      }
      function load() {
        loaded = loaded || getJSON(spec.url).then(function (data) {
          L.geoJSON(data, {
            pointToLayer: function (feature, ll) {
              var colour = (feature.properties && feature.properties.colour) || spec.colour;
              return L.circleMarker(ll, { radius: 7, color: "#fff", weight: 1.5, fillColor: colour, fillOpacity: 0.95 });
            },
            style: function (feature) {
              return { color: (feature.properties && feature.properties.colour) || spec.colour, weight: 5, opacity: 0.85 };
            },
            onEachFeature: function (feature, layer) { layer.bindPopup(popup(feature.properties || {})); },
          }).eachLayer(function (layer) { group.addLayer(layer); });
          return (data.features || []).length;
        });
        return loaded;
      }
      group.on("add", function () { load().catch(function () { loaded = null; }); });
      control.addOverlay(group, swatch(spec.colour, true) + escapeHtml(spec.label));
    });
  }

  window.WanggeMaps = { map: makeMap, basemap: basemapOf, base: base, pin: pin, pick: pick, full: full, labels: labelLayer, HeatLayer: HeatLayer };

  // Each map element names its kind (data-map="pin", "pick" or "full"): no page needs a script of its own.
  document.querySelectorAll("[data-map]").forEach(function (el) {
    var make = { pin: pin, pick: pick, full: full }[el.dataset.map];
    if (make) { make(el); }
  });
})();
