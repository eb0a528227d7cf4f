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
  // An error link focuses its field and scrolls the question into view too: the browser alone
  // would put the first box at the top of the window and hide the question above it.
  document.querySelectorAll("[data-error-summary] a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var field = document.getElementById(link.getAttribute("href").slice(1));
      var group = field && field.closest(".form-group");
      var question = group && group.querySelector("legend, label");
      if (!question) { return; }
      event.preventDefault();
      var top = question.getBoundingClientRect().top;
      var bottom = field.getBoundingClientRect().bottom;
      (bottom - top < window.innerHeight ? question : field).scrollIntoView();
      field.focus({ preventScroll: true });
    });
  });
  // After a Change link: the question stays in view above the answer that has the focus
  // (the browser alone may scroll the question's heading off the top of the window).
  var chosen = document.querySelector("[data-change-focus]");
  if (chosen) {
    var group = chosen.closest(".form-group");
    var heading = group && group.querySelector("legend, label");
    chosen.focus({ preventScroll: true });
    if (heading) {
      var top = heading.getBoundingClientRect().top;
      var bottom = chosen.getBoundingClientRect().bottom;
      if (top < 0 || bottom > window.innerHeight) {
        // the heading a little below the top of the window, or else the answer itself
        if (bottom - top + 32 < window.innerHeight) { window.scrollBy(0, top - 16); }
        else { chosen.scrollIntoView(); }
      }
    }
  }
  // A link that looks like a button works on Space, as a button does (GOV.UK's start button).
  document.querySelectorAll("a[data-space-click]").forEach(function (link) {
    link.addEventListener("keydown", function (event) {
      if (event.key === " ") { event.preventDefault(); link.click(); }
    });
  });
  // A printout shows every reveal open, as the handout does.
  var closed = [];
  window.addEventListener("beforeprint", function () {
    closed = Array.prototype.filter.call(document.querySelectorAll("details"), function (d) { return !d.open; });
    closed.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    closed.forEach(function (d) { d.open = false; });
  });
  // The timeout warning: the clock time the answers end, a warning at the top of the page 5
  // minutes before, and "Keep my answers" (opening any page keeps them for 30 minutes more).
  var timeout = document.querySelector("[data-timeout]");
  if (timeout) {
    var deadline = Date.now() + Number(timeout.getAttribute("data-seconds")) * 1000;
    var clock = timeout.querySelector("[data-timeout-clock]");
    var keep = timeout.querySelector("[data-timeout-keep]");
    var showClock = function () {
      clock.textContent = " (" + new Date(deadline).toLocaleTimeString(
        document.documentElement.lang, { hour: "numeric", minute: "2-digit" }) + ")";
      clock.hidden = false;
    };
    showClock();
    var warn = function () {
      var main = document.getElementById("main");
      if (timeout.parentNode !== main) { main.insertBefore(timeout, main.firstChild); }
      timeout.classList.add("notice", "notice--warning");
      timeout.setAttribute("role", "alert");
      keep.hidden = timeout.getAttribute("data-hard") === "1";
    };
    setTimeout(warn, Math.max(0, deadline - 5 * 60 * 1000 - Date.now()));
    keep.addEventListener("click", function () {
      fetch(timeout.getAttribute("data-keep"), { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) { return; }
        timeout.querySelector("p").textContent = timeout.getAttribute("data-kept");
        keep.hidden = true;
      });
    });
  }
  // A print button only makes sense with JavaScript.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
