// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // "None of these" unticks the other boxes, and the other boxes untick "None of these".
  document.querySelectorAll(".choices--checkbox").forEach(function (group) {
    var boxes = group.querySelectorAll("input[type=checkbox]");
    boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        if (!box.checked) { return; }
        boxes.forEach(function (other) {
          if (other !== box && (box.hasAttribute("data-exclusive") || other.hasAttribute("data-exclusive"))) {
            other.checked = false;
          }
        });
      });
    });
  });
  // Move focus to the error summary, for browsers that ignore autofocus on it.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
  // A print button only makes sense with JavaScript.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
