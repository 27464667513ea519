/* Community 365 — small behaviours the pages declare with data attributes, so no page needs
   inline script (the Content-Security-Policy forbids it). Every page works without this file. */
(function () {
  "use strict";

  // <select data-autosubmit>: a filter that applies as soon as it changes.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.requestSubmit ? target.form.requestSubmit() : target.form.submit();
    }
  });

  // <form data-confirm="…">: ask before an action that cannot be undone.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm")) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    }
  });

  // <a href="#id" data-open="id">: open the <details> it points to.
  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("a[data-open]") : null;
    if (link) {
      var details = document.getElementById(link.getAttribute("data-open"));
      if (details) details.open = true;
    }
  });

  // The navigation's drop-downs (<details name="nav-group">): a click elsewhere or Escape
  // closes the open one (the shared name already keeps only one open at a time).
  function closeMenus(except) {
    document.querySelectorAll("details.nav-drop[open]").forEach(function (details) {
      if (details !== except) details.open = false;
    });
  }
  document.addEventListener("click", function (event) {
    var inside = event.target instanceof Element ? event.target.closest("details.nav-drop") : null;
    closeMenus(inside);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") closeMenus(null);
  });
})();
