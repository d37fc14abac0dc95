/* Small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

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
})();
