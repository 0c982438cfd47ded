/* The staff queue's batch form: select all, the count of the selected rows, and only the
   fields of the chosen action shown (without script every field shows and the form still
   works: the server reads only what the action needs). */
(function () {
  "use strict";
  var form = document.getElementById("queue-batch");
  if (!form) { return; }
  var boxes = function () { return form.querySelectorAll('input[name="selected"]'); };
  var all = form.querySelector("[data-select-all]");
  var counter = form.querySelector("[data-selected-count]");
  function count() {
    var n = 0;
    boxes().forEach(function (box) { if (box.checked) { n += 1; } });
    if (counter) { counter.textContent = String(n); }
    if (all) {
      all.checked = n > 0 && n === boxes().length;
      all.indeterminate = n > 0 && n < boxes().length;
    }
  }
  function action() {
    var chosen = form.querySelector('input[name="action"]:checked');
    var value = chosen ? chosen.value : "";
    form.querySelectorAll("[data-batch-for]").forEach(function (part) {
      var wanted = part.getAttribute("data-batch-for").split(" ");
      part.hidden = value !== "" && wanted.indexOf(value) === -1;
    });
  }
  if (all) {
    all.addEventListener("change", function () {
      boxes().forEach(function (box) { box.checked = all.checked; });
      count();
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "selected") { count(); }
    if (event.target.name === "action") { action(); }
  });
  count();
  action();
})();
