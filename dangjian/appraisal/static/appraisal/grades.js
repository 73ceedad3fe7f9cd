// 民主评议: count the 优秀 chosen and warn, before saving, when they exceed what is allowed.
(function () {
  "use strict";
  var hint = document.getElementById("excellent-hint");
  if (!hint) return;
  var allowed = parseInt(hint.dataset.allowed, 10) || 0;
  var count = document.getElementById("excellent-count");
  var over = document.getElementById("excellent-over");
  function update() {
    var n = 0;
    document.querySelectorAll("select.grade-select").forEach(function (s) {
      if (s.value === "excellent") n += 1;
    });
    count.textContent = String(n);
    var exceeded = n > allowed;
    over.classList.toggle("d-none", !exceeded);
    hint.classList.toggle("alert-danger", exceeded);
    hint.classList.toggle("alert-light", !exceeded);
  }
  document.addEventListener("change", function (e) {
    if (e.target.matches("select.grade-select")) update();
  });
  update();
})();
