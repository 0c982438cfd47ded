/* 统计分析: draws each chart from the JSON block named by its canvas (data-chart). */
(function () {
  "use strict";
  document.querySelectorAll("canvas.stat-chart").forEach(function (canvas) {
    var data = JSON.parse(document.getElementById(canvas.dataset.chart).textContent);
    new Chart(canvas, {type: data.type, data: {labels: data.labels, datasets: data.datasets},
      options: {responsive: true, indexAxis: data.type === "bar" && data.labels.length > 3 ? "y" : "x",
        plugins: {legend: {display: data.datasets.length > 1 || data.type === "doughnut"}}}});
  });
})();
