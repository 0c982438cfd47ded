/* Every page: a region that scrolls (a wide table on a phone, a long table in its box) can be
   reached and scrolled with the keyboard, and a screen reader names it (GB/T 37668-2019 5.2). */
(function () {
  "use strict";
  function nameOf(box) {
    const card = box.closest(".card, section");
    const heading = card && card.querySelector(".card-header, h2, h3, caption");
    const caption = box.querySelector("caption");
    return ((caption || heading) ? (caption || heading).textContent.trim() : "表格") + "（可滚动）";
  }
  function mark() {
    document.querySelectorAll(".table-responsive, .overflow-auto").forEach((box) => {
      const scrolls = box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", nameOf(box));
        box.dataset.scrollRegion = "1";
      } else if (!scrolls && box.dataset.scrollRegion) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        delete box.dataset.scrollRegion;
      }
    });
  }
  mark();
  window.addEventListener("resize", mark);
  window.addEventListener("load", mark);
})();

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
