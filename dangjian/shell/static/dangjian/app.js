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
  // Org picker (<input data-org-picker="lookup url">, see dangjian/orgs/fields.py): typing a name,
  // code or pinyin lists the matching orgs of the user's scope; a choice fills in "名称（代码）".
  // Without this script the input still takes an org code, which the server resolves.
  var pickerTimers = new WeakMap();
  var pickerSeq = new WeakMap();

  function pickerList(input) {
    return document.getElementById(input.getAttribute("aria-controls"));
  }

  function pickerClose(input) {
    var list = pickerList(input);
    if (list) {
      list.hidden = true;
      list.textContent = "";
    }
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function pickerChoose(input, option) {
    input.value = option.dataset.value;
    pickerClose(input);
    input.dispatchEvent(new Event("change", { bubbles: true }));
    if (input.hasAttribute("data-picker-submit") && input.form) {
      if (typeof input.form.requestSubmit === "function") input.form.requestSubmit();
      else input.form.submit();
    }
  }

  function pickerShow(input, data) {
    var list = pickerList(input);
    if (!list) return;
    list.textContent = "";
    var results = (data && data.results) || [];
    results.forEach(function (row, i) {
      var option = document.createElement("button");
      option.type = "button";
      option.id = list.id + "-" + i;
      option.className = "list-group-item list-group-item-action py-1 small";
      option.setAttribute("role", "option");
      option.setAttribute("tabindex", "-1");
      option.dataset.value = row.label;
      var name = document.createElement("span");
      name.textContent = row.name;
      var meta = document.createElement("span");
      meta.className = "text-muted ms-2";
      meta.textContent = row.code + " · " + row.kind;
      option.appendChild(name);
      option.appendChild(meta);
      list.appendChild(option);
    });
    if (!results.length) {
      var none = document.createElement("div");
      none.className = "list-group-item small text-muted py-1";
      none.textContent = list.dataset.empty || (document.documentElement.lang === "en" ? "No match" : "没有匹配的党组织");
      list.appendChild(none);
    }
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function pickerFetch(input) {
    var url = input.getAttribute("data-org-picker");
    var q = input.value.trim();
    if (!url || !q) {
      pickerClose(input);
      return;
    }
    var seq = (pickerSeq.get(input) || 0) + 1;
    pickerSeq.set(input, seq);
    var full = url + (url.indexOf("?") >= 0 ? "&" : "?") + "q=" + encodeURIComponent(q);
    fetch(full, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && pickerSeq.get(input) === seq && document.activeElement === input) pickerShow(input, data);
      })
      .catch(function () { /* the input still takes a code */ });
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.hasAttribute("data-org-picker")) return;
    clearTimeout(pickerTimers.get(input));
    pickerTimers.set(input, setTimeout(function () { pickerFetch(input); }, 200));
  });

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.hasAttribute("data-org-picker")) return;
    var list = pickerList(input);
    if (!list || list.hidden) return;
    var options = Array.prototype.slice.call(list.querySelectorAll("[role=option]"));
    var current = options.indexOf(document.getElementById(input.getAttribute("aria-activedescendant")));
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!options.length) return;
      var next = event.key === "ArrowDown" ? (current + 1) % options.length : (current <= 0 ? options.length : current) - 1;
      options.forEach(function (o) { o.classList.remove("active"); o.setAttribute("aria-selected", "false"); });
      options[next].classList.add("active");
      options[next].setAttribute("aria-selected", "true");
      options[next].scrollIntoView({ block: "nearest" });
      input.setAttribute("aria-activedescendant", options[next].id);
    } else if (event.key === "Enter" && current >= 0) {
      event.preventDefault();
      pickerChoose(input, options[current]);
    } else if (event.key === "Escape") {
      pickerClose(input);
    }
  });

  // mousedown, not click: the input must not lose the list to its blur first.
  document.addEventListener("mousedown", function (event) {
    if (!(event.target instanceof Element)) return;
    var option = event.target.closest(".org-picker-list [role=option]");
    if (option) {
      event.preventDefault();
      var input = option.closest(".org-picker").querySelector("[data-org-picker]");
      if (input) pickerChoose(input, option);
    }
  });

  document.addEventListener("focusout", function (event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.hasAttribute("data-org-picker")) {
      setTimeout(function () { if (document.activeElement !== input) pickerClose(input); }, 150);
    }
  });
})();
