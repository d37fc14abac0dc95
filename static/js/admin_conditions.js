// Admin, rule conditions: show only the answer values of the question chosen in the same row.
// The server checks this too (ConditionForm.clean_values); this only keeps the list short.
(function () {
  "use strict";

  function rowOf(element) {
    return element.closest("tr") || element.closest(".inline-related") || document;
  }

  function filterValues(questionSelect) {
    var values = rowOf(questionSelect).querySelector("select.condition-values");
    if (!values) {
      return;
    }
    var prefix = questionSelect.value + ":";
    Array.prototype.forEach.call(values.querySelectorAll("optgroup"), function (group) {
      var visible = false;
      Array.prototype.forEach.call(group.querySelectorAll("option"), function (option) {
        var belongs = questionSelect.value !== "" && option.value.indexOf(prefix) === 0;
        option.hidden = !belongs;
        option.disabled = !belongs;
        if (!belongs) {
          option.selected = false;
        }
        visible = visible || belongs;
      });
      group.hidden = !visible;
    });
  }

  function filterAll() {
    Array.prototype.forEach.call(document.querySelectorAll("select.condition-question"), filterValues);
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select.condition-question")) {
      filterValues(event.target);
    }
  });
  document.addEventListener("formset:added", filterAll);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", filterAll);
  } else {
    filterAll();
  }
})();
