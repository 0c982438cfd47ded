/* 统计分析: draws each chart from the JSON block named by its canvas (data-chart).
   Counts get whole-number ticks (precision 0); long Chinese labels are wrapped over lines of
   at most LINE characters, never rotated, so they fit beside or under their bar. */
(function () {
  "use strict";
  var LINE = 6;

  function wrap(label) {
    var text = String(label);
    if (text.length <= LINE) return text;
    var lines = [];
    for (var i = 0; i < text.length; i += LINE) lines.push(text.slice(i, i + LINE));
    return lines;
  }

  document.querySelectorAll("canvas.stat-chart").forEach(function (canvas) {
    var data = JSON.parse(document.getElementById(canvas.dataset.chart).textContent);
    var options = {responsive: true,
      plugins: {legend: {display: data.datasets.length > 1 || data.type === "doughnut"}}};
    if (data.type !== "doughnut" && data.type !== "pie") {
      var horizontal = data.type === "bar" && data.labels.length > 3;
      var valueAxis = {beginAtZero: true, ticks: {}};
      if (data.integer) {
        valueAxis.ticks.precision = 0;
      }
      var categoryAxis = {ticks: {autoSkip: false, maxRotation: 0, minRotation: 0,
        callback: function (value) { return wrap(this.getLabelForValue(value)); }}};
      options.indexAxis = horizontal ? "y" : "x";
      options.scales = horizontal ? {x: valueAxis, y: categoryAxis} : {x: categoryAxis, y: valueAxis};
    }
    new Chart(canvas, {type: data.type, data: {labels: data.labels, datasets: data.datasets},
      options: options});
  });
})();
