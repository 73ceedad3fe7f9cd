// The dues pages: tick every member at once; a month picked in a select shows that month.
document.getElementById("pick-all")?.addEventListener("change", (event) => {
  document.querySelectorAll("input.pick").forEach((box) => {
    box.checked = event.target.checked;
  });
});
document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
  select.addEventListener("change", () => select.form.submit());
});
