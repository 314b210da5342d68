// Any analysis result: its GeoJSON layers over the dong boundaries, and its charts (ECharts), all local.
(function () {
  const read = (id) => { const el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; };
  const colours = { "3": "#b2182b", "2": "#ef8a62", "1": "#fddbc7", "0": "#f7f7f7", "-1": "#d1e5f0", "-2": "#67a9cf", "-3": "#2166ac" };
  const mapEl = document.getElementById("result-map");
  const layers = read("result-layers") || [];
  if (mapEl && window.L && layers.length) {
    const map = L.map(mapEl, { attributionControl: false });
    const control = L.control.layers(null, null, { collapsed: false }).addTo(map);
    fetch(mapEl.dataset.dongs, { credentials: "same-origin" }).then((r) => r.json()).then((d) => {
      if (d.features.length) L.geoJSON(d, { style: { color: "#555", weight: 1, fill: false }, interactive: false }).addTo(map);
    });
    let bounds = null;
    const fitOnly = layers.some((l) => (l.style || {}).fit);  // e.g. chosen sites: zoom to them, not to outliers
    layers.forEach((layer, i) => {
      const style = layer.style || {};
      const g = L.geoJSON(layer.geojson, {
        style: (f) => {
          const p = f.properties || {};
          const fill = p.color || colours[String(p.class ?? p.gi_bin ?? "")] || style.fillColor || "#e6550d";
          // "outline": "fill" draws small cells with a stroke of their own colour, so they stay visible zoomed out
          const stroke = style.outline === "fill" ? fill : (style.color || "#333");
          return { color: stroke, weight: style.weight ?? 0.5, opacity: style.opacity ?? 1, fillOpacity: style.fillOpacity ?? 0.7, fillColor: fill };
        },
        pointToLayer: (f, ll) => L.circleMarker(ll, { radius: (f.properties && f.properties.radius) || 5, color: "#333", weight: 1,
          fillColor: (f.properties && f.properties.color) || style.fillColor || "#d94801", fillOpacity: 0.8 }),
        onEachFeature: (f, l) => { if (f.properties && f.properties.label) l.bindTooltip(String(f.properties.label)); },
      });
      if (i === 0 || style.overlay) g.addTo(map);  // overlays (sites over demand) are shown with the first layer
      control.addOverlay(g, layer.title);
      if (layer.geojson.features && layer.geojson.features.length && (!fitOnly || style.fit)) {
        const b = g.getBounds();
        bounds = bounds ? bounds.extend(b) : b;
      }
    });
    if (bounds) map.fitBounds(bounds.pad(fitOnly ? 0.15 : 0)); else map.setView([37.5, 127.0], 12);
  }
  const charts = read("result-charts") || [];
  if (window.echarts) {
    document.querySelectorAll(".result-chart").forEach((el) => {
      const chart = charts[Number(el.dataset.index)];
      if (!chart) return;
      const option = chart.data.option || chart.data;
      echarts.init(el).setOption(option);
    });
  }
})();
