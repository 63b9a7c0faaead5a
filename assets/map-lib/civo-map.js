/* Civo's map inside its iframe: pins from the app's GeoJSON API, clusters, placing by
   click or tap, and messages with the page around it (window.parent.postMessage).
   Everything here is served by the app itself; nothing is loaded from another site. */
(function () {
  "use strict";
  function post(msg) {
    try { window.parent.postMessage("civo-map:" + JSON.stringify(msg), "*"); } catch (e) {}
  }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  // A coordinate grid drawn locally: the background when no tile server is configured.
  var Grid = L.GridLayer.extend({
    createTile: function (coords) {
      var tile = document.createElement("canvas"), size = this.getTileSize();
      tile.width = size.x; tile.height = size.y;
      var ctx = tile.getContext("2d");
      ctx.strokeStyle = "#c9d3dc"; ctx.lineWidth = 1;
      ctx.strokeRect(0.5, 0.5, size.x, size.y);
      return tile;
    }
  });
  window.civoMap = function (map, cfg) {
    var cats = {};
    (cfg.categories || []).forEach(function (c) { cats[c.id] = c; });
    var icons = {};
    function icon(cat, on) {
      var key = cat + (on ? "!" : "");
      if (!icons[key]) {
        var c = cats[cat] || {colour: "#495057", glyph: "●"};
        icons[key] = L.divIcon({
          className: "civo-pin" + (on ? " civo-pin-on" : ""),
          html: '<span style="background:' + esc(c.colour) + '">' + esc(c.glyph) + "</span>",
          iconSize: on ? [34, 34] : [26, 26], iconAnchor: on ? [17, 17] : [13, 13]});
      }
      return icons[key];
    }
    document.body.dataset.ready = "0";
    // Clusters need the map's zoom range (no tile layer gives it on a plain background).
    map.setMinZoom(2);
    map.setMaxZoom(19);
    if (!cfg.tiles) { new Grid({attribution: ""}).addTo(map); }
    map.attributionControl && map.attributionControl.setPrefix("Leaflet");
    var container = map.getContainer();
    container.setAttribute("aria-label", cfg.labels.map);
    container.setAttribute("role", "application");
    if (cfg.area.inside) {
      L.rectangle(cfg.area.bounds, {color: "#1c7ed6", weight: 2, dashArray: "6 6",
                                    fill: false, interactive: false}).addTo(map);
    }
    var clusters = L.markerClusterGroup({chunkedLoading: true, showCoverageOnHover: false,
                                         maxClusterRadius: 60});
    map.addLayer(clusters);
    var markers = {}, chosen = null, draft = null;
    function choose(id, open) {
      if (chosen && markers[chosen]) { markers[chosen].setIcon(icon(markers[chosen].civoCat)); }
      chosen = id;
      var m = markers[id];
      if (!m) { return; }
      clusters.zoomToShowLayer(m, function () { m.setIcon(icon(m.civoCat, true)); });
      if (open) { post({t: "open", id: id}); }
    }
    function add(f) {
      var id = f.id, c = f.geometry.coordinates, cat = (f.properties || {}).c || 0;
      var m = L.marker([c[1], c[0]], {icon: icon(cat), keyboard: false,
                                      title: (cats[cat] || {}).name || ""});
      m.civoCat = cat; m.civoId = id;
      m.on("click", function (e) { L.DomEvent.stop(e); choose(id, true); });
      markers[id] = m;
      return m;
    }
    var loading = false, again = false, last = 0;
    function load() {
      if (loading) { again = true; return; }
      loading = true; last = Date.now();
      var base = (window.frameElement && window.frameElement.dataset.backend) || "";
      fetch(base + cfg.pins, {credentials: "omit", cache: "no-store"})
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (data) {
          var seen = {}, fresh = [];
          data.features.forEach(function (f) {
            seen[f.id] = true;
            if (!markers[f.id]) { fresh.push(add(f)); }
          });
          var gone = [];
          Object.keys(markers).forEach(function (id) {
            if (!seen[id]) { gone.push(markers[id]); delete markers[id]; }
          });
          if (gone.length) { clusters.removeLayers(gone); }
          if (fresh.length) { clusters.addLayers(fresh); }
          document.body.dataset.pins = String(data.features.length);
          document.body.dataset.ready = "1";
          post({t: "loaded", n: data.features.length});
        })
        .catch(function () { document.body.dataset.ready = "error"; post({t: "error"}); })
        .then(function () {
          loading = false;
          if (again) { again = false; setTimeout(load, 1000); }
        });
    }
    function view() {
      var b = map.getBounds(), c = map.getCenter();
      post({t: "view", b: [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()],
            c: [c.lat, c.lng], z: map.getZoom()});
    }
    function showDraft(lat, lng) {
      if (draft) { map.removeLayer(draft); }
      draft = L.circleMarker([lat, lng], {radius: 10, color: "#1c1c1c", weight: 3,
                                          fillColor: "#ffd43b", fillOpacity: 0.9,
                                          interactive: false}).addTo(map);
    }
    map.on("click", function (e) {
      if (!cfg.placing) { return; }
      showDraft(e.latlng.lat, e.latlng.lng);
      post({t: "click", lat: e.latlng.lat, lng: e.latlng.lng});
    });
    map.on("moveend", view);
    window.addEventListener("message", function (e) {
      if (e.source !== window.parent || typeof e.data !== "string" ||
          e.data.indexOf("civo-map:") !== 0) { return; }
      var msg;
      try { msg = JSON.parse(e.data.slice(9)); } catch (err) { return; }
      if (msg.t === "reload") {
        if (Date.now() - last < 2000) { again = true; if (!loading) { setTimeout(load, 2000); } }
        else { load(); }
      } else if (msg.t === "focus") { choose(msg.id, false); }
      else if (msg.t === "draft") { showDraft(msg.lat, msg.lng); }
      else if (msg.t === "clear") { if (draft) { map.removeLayer(draft); draft = null; } }
      else if (msg.t === "centre") {
        var c = map.getCenter(); showDraft(c.lat, c.lng);
        post({t: "click", lat: c.lat, lng: c.lng});
      }
    });
    window.civoMapReady = true;
    load();
    view();
  };
})();
