// 统计分析: draw the charts from the options the server built; a click opens the list behind it.
(function () {
  "use strict";
  var options = JSON.parse(document.getElementById("stats-charts").textContent);
  var charts = [];
  Object.keys(options).forEach(function (name) {
    var el = document.getElementById("chart-" + name);
    if (!el || typeof echarts === "undefined") return;
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(options[name]);
    chart.on("click", function (params) {
      if (params.data && params.data.url) window.location.href = params.data.url;
    });
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
