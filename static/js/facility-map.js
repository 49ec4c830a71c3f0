/* The facility map: a district outline and facility points drawn with the vendored ECharts, no map tiles. */
(function () {
  "use strict";
  function draw() {
    var holder = document.getElementById("facility-map");
    var source = document.getElementById("facility-map-data");
    if (!holder || !source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    echarts.registerMap("district", data.outline);
    var chart = echarts.init(holder, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "item", formatter: function (p) { return p.data && p.data.address ? p.name + "<br>" + p.data.address : p.name; } },
      geo: { map: "district", roam: true, itemStyle: { areaColor: "#f3f0f7", borderColor: "#6b4f8a" }, label: { show: false } },
      series: [{
        type: "scatter", coordinateSystem: "geo", symbolSize: 11,
        itemStyle: { color: "#c0392b" },
        data: data.points.map(function (p) { return { name: p.name, value: p.value, address: p.address }; })
      }]
    });
    holder.setAttribute("data-drawn", String(data.points.length));
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
