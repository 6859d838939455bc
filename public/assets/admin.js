// Quorum admin enhancements. Every page works without this file; it only makes some things smoother.
// htmx (served beside it from /assets/vendor/) does the partial updates declared in the pages' hx-* attributes.
(function () {
  // A refused form re-renders with an error summary: move focus to it so screen readers announce it.
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
  // Buttons that need a confirmation carry data-confirm="…".
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = button && button.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });
  // An element marked data-shown-for="a b" (e.g. a question's options) shows only while the select named by
  // data-shown-by has one of those values; without JavaScript the page shows it after the next re-render.
  function syncShownFor() {
    document.querySelectorAll("[data-shown-for]").forEach(function (el) {
      var select = document.getElementById(el.getAttribute("data-shown-by"));
      if (select) el.hidden = el.getAttribute("data-shown-for").split(" ").indexOf(select.value) < 0;
    });
  }
  document.addEventListener("change", syncShownFor);
  syncShownFor();
})();
