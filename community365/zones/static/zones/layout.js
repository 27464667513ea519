/* The zones' layout diagram (一核五翼十联动): an ECharts graph drawn from the JSON block written
 * by {{ layout|json_script:layout.dom_id }} (community365/zones/selectors.py layout_chart).
 * The core sits in the middle, the wings on a ring around it, each link on an outer ring next
 * to the area it is tied to. No inline script or style: positions are computed here and ECharts
 * styles its canvas through the CSSOM; the tooltip is drawn on the canvas (richText).
 * A click on a zone opens its page. */
(function () {
  "use strict";

  var COLOURS = { core: "#b8322f", wing: "#d9822b", link: "#1f6fb2" };

  function place(spec) {
    var core = spec.nodes.filter(function (n) { return n.category === "core"; });
    var wings = spec.nodes.filter(function (n) { return n.category === "wing"; });
    var links = spec.nodes.filter(function (n) { return n.category === "link"; });
    var pos = {};
    core.forEach(function (n, i) { pos[n.id] = [i * 40, 0]; });
    wings.forEach(function (n, i) {
      var a = (2 * Math.PI * i) / Math.max(1, wings.length) - Math.PI / 2;
      pos[n.id] = [Math.cos(a) * 200, Math.sin(a) * 200];
    });
    links.forEach(function (n, i) {
      var a = (2 * Math.PI * i) / Math.max(1, links.length) - Math.PI / 2 + Math.PI / Math.max(1, links.length);
      pos[n.id] = [Math.cos(a) * 380, Math.sin(a) * 380];
    });
    return pos;
  }

  function option(spec, narrow) {
    var pos = place(spec);
    var cats = spec.categories.map(function (c) { return c.key; });
    return {
      animation: false,
      textStyle: { fontSize: narrow ? 11 : 13 },
      legend: [{ top: 0, data: spec.categories.map(function (c) { return c.name; }) }],
      tooltip: {
        trigger: "item",
        renderMode: "richText",
        formatter: function (p) {
          if (p.dataType !== "node") { return ""; }
          var d = p.data;
          var score = d.score === null || d.score === undefined ? "—" : d.score;
          return d.name + "\n" + d.theme + "\n" + spec.statusLabel + ": " + d.status + "\n" + spec.scoreLabel + ": " + score;
        },
      },
      series: [
        {
          type: "graph",
          layout: "none",
          top: 50,
          bottom: 40,
          left: narrow ? 40 : 90,
          right: narrow ? 40 : 90,
          roam: true,
          categories: spec.categories.map(function (c) {
            return { name: c.name, itemStyle: { color: COLOURS[c.key] } };
          }),
          label: {
            show: true,
            position: "bottom",
            width: narrow ? 70 : 130,
            overflow: "break",
            fontSize: narrow ? 10 : 12,
          },
          lineStyle: { color: "#9aa4ad", width: 1.5, curveness: 0.1 },
          data: spec.nodes.map(function (n) {
            var p = pos[n.id] || [0, 0];
            var size = n.category === "core" ? 56 : n.category === "wing" ? 38 : 24;
            return {
              id: n.id,
              name: n.name,
              x: p[0],
              y: p[1],
              category: cats.indexOf(n.category),
              symbolSize: narrow ? size * 0.75 : size,
              url: n.url,
              theme: n.theme,
              status: n.status,
              score: n.score,
              itemStyle: n.demonstration
                ? { borderColor: "#2e8b57", borderWidth: 3 }
                : { color: "#fff", borderColor: COLOURS[n.category], borderWidth: 3 },
            };
          }),
          links: spec.links.map(function (l) {
            return { source: l.source, target: l.target, lineStyle: l.kind === "link" ? { type: "dashed" } : {} };
          }),
        },
      ],
    };
  }

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-zones-layout"));
    if (!source || !window.echarts) { return; }
    var spec = JSON.parse(source.textContent);
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option(spec, el.clientWidth < 480));
    chart.on("click", function (params) {
      var url = params.data && params.data.url;
      if (params.dataType === "node" && url) { window.location.assign(url); }
    });
    el.setAttribute("data-rendered", "1");
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function drawAll() {
    var nodes = document.querySelectorAll("div.zones-layout[data-zones-layout]");
    for (var i = 0; i < nodes.length; i++) { draw(nodes[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
