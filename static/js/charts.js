/* Charts of the figures pages.
 *
 * Finds <div class="chart" data-chart="ID"> and draws it from the JSON block <script id="ID">
 * written by {{ chart|json_script:chart.dom_id }} (see community365/core/charts.py). No inline
 * script and no style attributes: ECharts styles its elements through the CSSOM, which a
 * Content-Security-Policy with style-src 'self' allows; the tooltip is drawn on the canvas
 * (renderMode 'richText') because the HTML tooltip writes style="…" markup.
 *
 * Every data point may carry a URL (series[i].urls[j]); clicking it opens the records behind it.
 */
(function () {
  "use strict";

  var COLOURS = ["#1f6fb2", "#d9822b", "#2e8b57", "#b8322f", "#7a5195", "#5b6770"];

  function percentText(value) {
    return value === null || value === undefined ? "—" : value + "%";
  }

  function radarOption(spec, narrow) {
    return {
      animation: false,
      color: COLOURS,
      textStyle: { fontSize: narrow ? 13 : 14 },
      legend: { top: 0, type: "scroll" },
      tooltip: { trigger: "item", renderMode: "richText" },
      radar: {
        center: ["50%", "56%"],
        radius: narrow ? "58%" : "66%",
        indicator: spec.categories.map(function (name) {
          return { name: name, max: spec.max || 100 };
        }),
      },
      series: [
        {
          type: "radar",
          data: spec.series.map(function (s, index) {
            return {
              name: s.name,
              value: s.data.map(function (v) { return v === null ? 0 : v; }),
              url: s.urls[0] || null,
              itemStyle: { color: COLOURS[index % COLOURS.length] },
              lineStyle: { width: index === 0 ? 3 : 1.5, type: index === 2 ? "dashed" : "solid" },
              areaStyle: index === 0 ? { opacity: 0.15 } : undefined,
            };
          }),
        },
      ],
    };
  }

  function option(spec, narrow) {
    if (spec.type === "radar") {
      return radarOption(spec, narrow);
    }
    var horizontal = spec.type === "bar";
    var series = spec.series.map(function (s, index) {
      var item = {
        name: s.name,
        type: spec.type,
        data: s.data.map(function (value, j) {
          return { value: value, url: s.urls[j] || null };
        }),
        cursor: "pointer",
        itemStyle: { color: COLOURS[index % COLOURS.length] },
        emphasis: { focus: "series" },
      };
      if (spec.type === "line") {
        item.symbolSize = 8;
        item.smooth = false;
      } else {
        item.barMaxWidth = 22;
        item.label = {
          show: spec.series.length === 1,
          position: "right",
          formatter: spec.percent ? function (p) { return percentText(p.value); } : "{c}",
        };
      }
      if (index === 0 && spec.average !== null && spec.average !== undefined) {
        // the value is written under the title (core/chart.html): a label on the line
        // would cover the bars on a phone
        item.markLine = {
          silent: true,
          symbol: "none",
          lineStyle: { color: "#444", type: "dashed", width: 1.5 },
          label: { show: false },
          data: [horizontal ? { xAxis: spec.average } : { yAxis: spec.average }],
        };
      }
      return item;
    });
    var categoryAxis = {
      type: "category",
      data: spec.categories,
      inverse: horizontal,
      axisLabel: { width: narrow ? 84 : 160, overflow: "truncate", interval: 0 },
    };
    var valueAxis = {
      type: "value",
      minInterval: spec.percent ? 0 : 1,
      max: spec.percent ? 100 : null,
      axisLabel: spec.percent ? { formatter: "{value}%" } : {},
    };
    if (!horizontal) {
      categoryAxis.axisLabel = { hideOverlap: true };
    }
    return {
      animation: false,
      color: COLOURS,
      textStyle: { fontSize: narrow ? 13 : 14 },
      grid: { left: 8, right: narrow ? 36 : 48, top: spec.series.length > 1 ? 40 : 16, bottom: 8, containLabel: true },
      legend: spec.series.length > 1 ? { top: 0, type: "scroll" } : { show: false },
      tooltip: {
        trigger: horizontal ? "axis" : "axis",
        renderMode: "richText",
        axisPointer: { type: horizontal ? "shadow" : "line" },
        valueFormatter: spec.percent ? percentText : undefined,
      },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? categoryAxis : valueAxis,
      series: series,
    };
  }

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source || !window.echarts) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var narrow = el.clientWidth < 480;
    if (spec.type === "radar") {
      el.style.height = (narrow ? 320 : 380) + "px";
    }
    if (spec.type === "bar") {
      // Room for every bar: 30 px per category and series, at least 180 px.
      var rows = spec.categories.length * Math.max(1, spec.series.length);
      el.style.height = Math.max(180, Math.min(2400, 30 * rows + 60)) + "px";
    }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option(spec, narrow));
    chart.on("click", function (params) {
      var url = params.data && params.data.url;
      if (url) {
        window.location.assign(url);
      }
    });
    el.setAttribute("data-rendered", "1");
    window.addEventListener("resize", function () {
      chart.resize();
    });
  }

  function drawAll() {
    var nodes = document.querySelectorAll("div.chart[data-chart]");
    for (var i = 0; i < nodes.length; i++) {
      draw(nodes[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
