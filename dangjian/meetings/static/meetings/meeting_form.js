// The meeting form shows the counts of voting members only for meetings that decide, and the
// lecturer only for a 党课; the attendance form sets every row at once.
(function () {
  "use strict";
  function wrapper(el) {
    return el.closest("[class^='col'], [class*=' col']") || el.parentElement;
  }
  function sync(form) {
    var kind = form.querySelector("[name=kind]");
    if (!kind) return;
    var deciding = (form.dataset.decisionKinds || "").split(",");
    var purposes = Array.prototype.map.call(
      form.querySelectorAll("[name=purposes]:checked"), function (el) { return el.value; });
    var lecture = kind.value === "party_lecture" || purposes.indexOf("party_lecture") >= 0;
    var votes = deciding.indexOf(kind.value) >= 0;
    ["expected_voters", "present_voters", "written_opinions"].forEach(function (name) {
      var el = form.querySelector("[name=" + name + "]");
      if (el) wrapper(el).hidden = !votes;
    });
    ["lecturer", "lecturer_is_secretary"].forEach(function (name) {
      var el = form.querySelector("[name=" + name + "]");
      if (el) wrapper(el).hidden = !lecture;
    });
    form.querySelectorAll("[name=purposes]").forEach(function (el) {
      var item = el.closest(".form-check") || el.parentElement;
      item.hidden = el.value === kind.value;
    });
  }
  document.querySelectorAll("form[data-decision-kinds]").forEach(function (form) {
    form.addEventListener("change", function () { sync(form); });
    sync(form);
  });
  document.querySelectorAll("[data-all-status]").forEach(function (button) {
    button.addEventListener("click", function () {
      var form = button.closest("form");
      form.querySelectorAll("select[name^=status_]").forEach(function (select) {
        if (select.value !== "leave") select.value = button.dataset.allStatus;  // keep the leaves
      });
    });
  });
})();
