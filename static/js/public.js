// Public pages: a quick exit that leaves no trace, and a large-text mode kept only in memory.
(function () {
  "use strict";
  var token = document.querySelector('meta[name="csrf-token"]');
  document.body.addEventListener("htmx:configRequest", function (event) {
    if (token) { event.detail.headers["X-CSRFToken"] = token.content; }
  });
  // HTMX keeps a copy of pages in sessionStorage for its history feature; turn that off.
  if (window.htmx) { window.htmx.config.historyCacheSize = 0; window.htmx.config.historyEnabled = false; }
  function leave() {
    document.body.innerHTML = "";
    window.location.replace("https://www.baidu.com/s?wd=%E5%A4%A9%E6%B0%94");
  }
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-quick-exit]")) { event.preventDefault(); leave(); }
    var button = event.target.closest("[data-toggle-large]");
    if (button) {
      var on = !document.documentElement.classList.contains("large");
      document.documentElement.classList.toggle("large", on);
      button.setAttribute("aria-pressed", on ? "true" : "false");
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && event.shiftKey) { leave(); }
  });
})();
