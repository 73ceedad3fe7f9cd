// Page behaviour that used to sit in inline handlers (onclick, onchange, hx-on): the
// Content-Security-Policy allows no inline script, so elements opt in through data- attributes.
// Listeners are delegated from the document, so content swapped in by htmx works too.
(function () {
  "use strict";

  // <select data-autosubmit>: submit its form as soon as a choice is made.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el instanceof Element && el.matches("[data-autosubmit]") && el.form) {
      if (typeof el.form.requestSubmit === "function") {
        el.form.requestSubmit();
      } else {
        el.form.submit();
      }
    }
  });

  document.addEventListener("click", function (event) {
    if (!(event.target instanceof Element)) return;
    // Org tree: the collapse button hides or shows the node's already loaded children.
    var toggle = event.target.closest("[data-tree-collapse]");
    if (toggle) {
      var children = toggle.parentElement.querySelector(":scope > ul");
      if (children) children.classList.toggle("d-none");
      var icon = toggle.firstElementChild;
      if (icon) {
        icon.classList.toggle("bi-caret-down-fill");
        icon.classList.toggle("bi-caret-right-fill");
      }
      return;
    }
    var back = event.target.closest("[data-history-back]");
    if (back && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });

  // <form data-confirm="…">: ask before submitting (e.g. revoking an API token).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // Org tree: once a node's children are loaded, its expand button gives way to the collapse one.
  document.addEventListener("htmx:afterRequest", function (event) {
    var el = event.detail && event.detail.elt;
    if (el instanceof Element && el.matches("[data-tree-expand]") && event.detail.successful) {
      el.classList.add("d-none");
      if (el.nextElementSibling) el.nextElementSibling.classList.remove("d-none");
    }
  });
})();
