/* 统计分析: draws each chart from the JSON block named by its canvas (data-chart).
   Counts get whole-number ticks (precision 0). Category labels are never rotated: a long
   Chinese label is wrapped over lines of at most LINE characters, and one longer than LINES
   lines is shortened with "…" on the axis (the tooltip and the table below give it whole).
   A horizontal bar chart is as tall as its bars need, so labels never overlap. */
(function () {
  "use strict";
  var LINE = 6;
  var LINES = 2;
  var LINE_HEIGHT = 14;

  function wrap(label) {
    var text = String(label);
    if (text.length > LINE * LINES) text = text.slice(0, LINE * LINES - 1) + "…";
    if (text.length <= LINE) return text;
    var lines = [];
    for (var i = 0; i < text.length; i += LINE) lines.push(text.slice(i, i + LINE));
    return lines;
  }

  function linesOf(label) {
    var wrapped = wrap(label);
    return Array.isArray(wrapped) ? wrapped.length : 1;
  }

  /* The canvas in a box as tall as the bars and their labels need. */
  function sizeForBars(canvas, labels) {
    var lines = labels.reduce(function (most, label) {
      return Math.max(most, linesOf(label));
    }, 1);
    var perBar = lines * LINE_HEIGHT + 10;
    var box = document.createElement("div");
    box.className = "stat-chart-box";
    box.style.position = "relative";
    box.style.height = labels.length * perBar + 48 + "px";
    canvas.parentNode.insertBefore(box, canvas);
    box.appendChild(canvas);
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
      if (horizontal) {
        sizeForBars(canvas, data.labels);
        options.maintainAspectRatio = false;
      }
    }
    new Chart(canvas, {type: data.type, data: {labels: data.labels, datasets: data.datasets},
      options: options});
  });
})();
