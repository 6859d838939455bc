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
})();
