// Public pages: a quick exit that leaves no trace, and a large-text mode kept only in memory.
(function () {
  "use strict";
  var token = document.querySelector('meta[name="csrf-token"]');
  document.body.addEventListener("htmx:configRequest", function (event) {
    if (token) { event.detail.headers["X-CSRFToken"] = token.content; }
  });
  // HTMX keeps a copy of pages in sessionStorage for its history feature; turn that off.
  if (window.htmx) { window.htmx.config.historyCacheSize = 0; window.htmx.config.historyEnabled = false; }
  // htmx notes the current path in sessionStorage as it loads: take it away.
  try { window.sessionStorage.removeItem("htmx-current-path-for-history"); } catch (e) { /* storage may be off */ }
  var exitButton = document.querySelector("[data-quick-exit]");
  var EXIT = (exitButton && exitButton.getAttribute("data-exit-url")) || "https://www.baidu.com/";
  function leave() {
    document.body.innerHTML = "";
    document.title = "";
    window.location.replace(EXIT);
  }
  // Moving between public pages replaces the current history entry instead of adding one: after the quick exit,
  // the back button goes to whatever was open before, not to an earlier page of this site.
  function sameSite(url) { return url.origin === window.location.origin; }
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-quick-exit]")) { event.preventDefault(); leave(); return; }
    var link = event.target.closest("a[href]");
    if (link && !event.defaultPrevented && !link.hasAttribute("download") && !link.target &&
        !event.ctrlKey && !event.metaKey && !event.shiftKey && event.button === 0) {
      var url = new URL(link.href, window.location.href);
      if (sameSite(url) && url.protocol.indexOf("http") === 0 && !(url.pathname === window.location.pathname && url.hash)) {
        event.preventDefault();
        window.location.replace(url.href);
        return;
      }
    }
    var button = event.target.closest("[data-toggle-large]");
    if (button) {
      var on = !document.documentElement.classList.contains("large");
      document.documentElement.classList.toggle("large", on);
      button.setAttribute("aria-pressed", on ? "true" : "false");
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.hasAttribute("hx-post") || form.hasAttribute("hx-get")) { return; }
    if ((form.method || "get").toLowerCase() !== "get") { return; }
    var url = new URL(form.action || window.location.href, window.location.href);
    if (!sameSite(url)) { return; }
    url.search = new URLSearchParams(new FormData(form)).toString();
    event.preventDefault();
    window.location.replace(url.href);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && event.shiftKey) { leave(); }
  });
})();
