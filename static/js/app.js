// Site-wide behaviour for staff pages: CSRF for HTMX, the large-text / high-contrast mode.
(function () {
  "use strict";
  var token = document.querySelector('meta[name="csrf-token"]');
  document.body.addEventListener("htmx:configRequest", function (event) {
    if (token) { event.detail.headers["X-CSRFToken"] = token.content; }
  });
  var KEY = "jiayuan-large";
  function apply(on) {
    document.documentElement.classList.toggle("large", on);
    var button = document.querySelector("[data-toggle-large]");
    if (button) { button.setAttribute("aria-pressed", on ? "true" : "false"); }
  }
  try { apply(window.localStorage.getItem(KEY) === "1"); } catch (e) { /* storage may be off */ }

  // Narrow screens: each table row becomes a card whose cells carry their column's name.
  function cardify(root) {
    (root || document).querySelectorAll("table").forEach(function (table) {
      var heads = table.querySelectorAll("thead th");
      if (!heads.length) { return; }
      table.classList.add("cardify");
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var cells = row.children;
        if (cells.length === 1) { return; }
        for (var i = 0; i < cells.length && i < heads.length; i++) {
          cells[i].setAttribute("data-label", heads[i].textContent.trim());
        }
      });
    });
  }
  cardify(document);
  document.body.addEventListener("htmx:afterSwap", function (event) { cardify(event.detail.target); });

  // Narrow screens: the menu folds behind one button.
  var bar = document.querySelector(".topbar");
  var toggle = document.querySelector("[data-menu-toggle]");
  if (bar && toggle) {
    bar.classList.add("js-nav");
    toggle.addEventListener("click", function () {
      var open = bar.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-toggle-large]");
    if (!button) { return; }
    var on = !document.documentElement.classList.contains("large");
    apply(on);
    try { window.localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* ignore */ }
  });
})();
