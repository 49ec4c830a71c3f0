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
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-toggle-large]");
    if (!button) { return; }
    var on = !document.documentElement.classList.contains("large");
    apply(on);
    try { window.localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* ignore */ }
  });
})();
