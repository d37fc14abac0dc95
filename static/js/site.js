/* Small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  // Back keeps what was chosen on this page: submit it with the earlier step as the target.
  document.querySelectorAll("a[data-keep-answer]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var form = document.getElementById("question-form");
      if (!form || !form.querySelector("input:checked")) return;
      event.preventDefault();
      var target = document.createElement("input");
      target.type = "hidden";
      target.name = "wizard_goto_step";
      target.value = link.getAttribute("data-keep-answer");
      form.appendChild(target);
      form.submit();
    });
  });

  // "None of these" and "I'm not sure" cannot be combined with the other boxes.
  document.querySelectorAll(".choices--checkboxes").forEach(function (group) {
    var boxes = group.querySelectorAll("input[type=checkbox]");
    boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        if (!box.checked) return;
        boxes.forEach(function (other) {
          if (other !== box && (box.hasAttribute("data-exclusive") || other.hasAttribute("data-exclusive"))) {
            other.checked = false;
          }
        });
      });
    });
  });

  // Error summary links: move focus to the input and scroll its question into view.
  document.querySelectorAll(".error-summary a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var input = document.getElementById(link.getAttribute("href").slice(1));
      if (!input) return;
      event.preventDefault();
      var legend = input.closest("fieldset") && input.closest("fieldset").querySelector("legend");
      (legend || input).scrollIntoView();
      input.focus({ preventScroll: true });
    });
  });

  document.querySelectorAll(".js-print").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // Copy the private link. Without JavaScript the field is read-only text to select and copy.
  document.querySelectorAll(".js-copy").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = button.closest(".private-link") && button.closest(".private-link").querySelector("[role=status]");
    if (!field) return;
    button.hidden = false;
    field.addEventListener("focus", function () { field.select(); });
    button.addEventListener("click", function () {
      // The words come from the page, translated with the rest of it.
      var done = function () { if (status) status.textContent = button.getAttribute("data-copied"); };
      var fallback = function () {
        field.focus();
        field.select();
        try {
          if (document.execCommand("copy")) { done(); return; }
        } catch (e) { /* fall through */ }
        if (status) status.textContent = button.getAttribute("data-selected");
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, fallback);
      } else {
        fallback();
      }
    });
  });

  // A page the browser restored from its back-forward cache is shown from memory, as it was
  // before, say, "Delete my answers". Pages with answers are sent with no-store, which keeps
  // them out of the cache in most browsers; for any that keeps them anyway, ask the server
  // again, which answers with what is true now.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) window.location.reload();
  });

  // Folded parts open for printing (browsers without ::details-content), then close again.
  var reopened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (details) {
      details.open = true;
      reopened.push(details);
    });
  });
  window.addEventListener("afterprint", function () {
    reopened.forEach(function (details) { details.open = false; });
    reopened = [];
  });
})();
