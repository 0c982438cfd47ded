/* The payment run's progress page: polls the run's JSON status while it is queued or running. */
(function () {
  "use strict";
  var bar = document.getElementById("run-bar");
  if (!bar) { return; }
  var url = bar.getAttribute("data-status-url");
  function set(id, text) { var el = document.getElementById(id); if (el) { el.textContent = text; } }
  function poll() {
    fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (d) {
      bar.style.width = d.percent + "%"; bar.textContent = d.percent + "%";
      set("run-status", d.status_label);
      set("run-done", d.awards_done);
      set("run-total", d.awards_total);
      set("run-result", "新增 " + d.created + " 笔，已存在 " + d.existing + " 笔");
      set("run-error", d.error);
      if (d.status === "queued" || d.status === "running") { setTimeout(poll, 1000); }
    });
  }
  if (bar.getAttribute("data-active") === "1") { setTimeout(poll, 500); }
})();
