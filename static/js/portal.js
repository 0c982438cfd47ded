/* Behaviour shared by every page, kept out of the markup so the Content-Security-Policy needs
   no 'unsafe-inline': confirmations, selects that submit their form, progress bar widths. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.submit();
    }
  });
  function widths(root) {
    root.querySelectorAll("[data-percent]").forEach(function (bar) {
      bar.style.width = (parseFloat(bar.getAttribute("data-percent")) || 0) + "%";
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { widths(document); });
  } else { widths(document); }
})();
