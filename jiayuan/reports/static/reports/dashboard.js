// The dashboard's charts: monthly trends against last year and breakdowns; every bar opens its records.
(function () {
  "use strict";
  var printButton = document.querySelector("[data-print]");
  if (printButton) { printButton.addEventListener("click", function () { window.print(); }); }
  var source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  function open(links, index) { if (links[index]) { window.location.href = links[index]; } }
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var index = parseInt(el.getAttribute("data-index"), 10);
    // Canvas, and tooltips drawn on it: the page's CSP allows no inline style, which SVG and HTML tooltips use.
    var chart = echarts.init(el, null, { renderer: "canvas" });
    var option;
    if (el.getAttribute("data-chart") === "trend") {
      var t = data.trends[index];
      option = {
        animation: false,
        tooltip: { trigger: "axis", renderMode: "richText" },
        legend: { data: [t.current_label, t.previous_label] },
        grid: { left: 48, right: 16, top: 36, bottom: 28 },
        xAxis: { type: "category", data: t.months },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: t.current_label, type: "bar", data: t.current, itemStyle: { color: "#b0306a" } },
          { name: t.previous_label, type: "line", data: t.previous, itemStyle: { color: "#777777" } }
        ]
      };
      chart.setOption(option);
      chart.on("click", function (p) { if (p.seriesIndex === 0) { open(t.links, p.dataIndex); } });
    } else {
      var b = data.breakdowns[index];
      option = {
        animation: false,
        tooltip: { trigger: "axis", renderMode: "richText" },
        grid: { left: 120, right: 24, top: 12, bottom: 24 },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: b.labels, inverse: true },
        series: [{ type: "bar", data: b.values, itemStyle: { color: "#2f6f9f" } }]
      };
      el.classList.add("chart-rows-" + Math.min(Math.max(b.labels.length, 3), 20));
      chart.setOption(option);
      chart.resize();
      chart.on("click", function (p) { open(b.links, p.dataIndex); });
    }
  });
})();
