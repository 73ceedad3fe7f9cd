// Steps 5 and 9: a member ticked in the search results joins the checkbox list, so the next search
// does not drop them; Enter in the search box searches instead of submitting the step form.
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!box.matches || !box.matches("input[data-member-pick]") || !box.checked) return;
  const results = box.closest("[data-member-results]");
  const list = results && document.getElementById(results.dataset.memberResults);
  if (!list) return;
  const existing = list.querySelector(`input[value="${CSS.escape(box.value)}"]`);
  if (existing) {
    existing.checked = true;
    box.closest("div").remove();
    return;
  }
  box.removeAttribute("data-member-pick");
  list.appendChild(box.closest("div"));
});

document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && event.target.matches && event.target.matches("input[data-member-search]")) {
    event.preventDefault();
  }
});
