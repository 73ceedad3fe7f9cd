// The class page: "select all" ticks every participant not yet completed; choosing whom to pick
// from reloads the picker.
(function () {
  "use strict";
  var all = document.getElementById("check-all");
  if (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll("input.pick").forEach(function (box) { box.checked = all.checked; });
    });
  }
  var standing = document.getElementById("f-standing");
  if (standing) {
    standing.addEventListener("change", function () { standing.form.submit(); });
  }
})();
