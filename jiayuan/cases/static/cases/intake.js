// Hotline intake: Ctrl+Enter submits the form from anywhere (keyboard-first, one screen).
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) { return; }
    var form = event.target.closest && event.target.closest("form[data-ctrl-enter]");
    if (!form) { form = document.querySelector("form[data-ctrl-enter]"); }
    if (form) { event.preventDefault(); form.requestSubmit(); }
  });
})();
