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

  // A referral's shared items: choosing an agency ticks the defaults for its kind (the worker may change them).
  document.querySelectorAll("select[data-share-defaults]").forEach(function (select) {
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      var wanted = ((option && option.getAttribute("data-shares")) || "").split(" ");
      select.form.querySelectorAll("input[name=shares]").forEach(function (box) {
        box.checked = wanted.indexOf(box.value) !== -1;
      });
    });
  });

  // Long choosers (about a hundred communities): a search box above the list narrows it as one types; a street's
  // name keeps all its communities. One match is chosen at once.
  function searchable(root) {
    (root || document).querySelectorAll("select[data-search]").forEach(function (select) {
      if (select.previousElementSibling && select.previousElementSibling.hasAttribute("data-search-for")) { return; }
      var box = document.createElement("input");
      box.type = "search";
      box.className = "chooser-search";
      box.placeholder = select.getAttribute("data-search");
      box.setAttribute("aria-label", select.getAttribute("data-search"));
      box.setAttribute("data-search-for", select.id || "");
      select.parentNode.insertBefore(box, select);
      box.addEventListener("input", function () {
        var words = box.value.trim();
        var shown = [];
        select.querySelectorAll("option").forEach(function (option) {
          if (!option.value) { return; }
          var group = option.parentNode.tagName === "OPTGROUP" ? option.parentNode.label : "";
          var hit = !words || option.textContent.indexOf(words) !== -1 || group.indexOf(words) !== -1;
          option.hidden = !hit;
          if (hit) { shown.push(option); }
        });
        select.querySelectorAll("optgroup").forEach(function (group) {
          group.hidden = !group.querySelector("option:not([hidden])");
        });
        if (words && shown.length === 1) { select.value = shown[0].value; }
      });
    });
  }
  searchable(document);
  document.body.addEventListener("htmx:afterSwap", function (event) { searchable(event.detail.target); });

  // The people chooser: a hit fills the hidden id and shows whom it names in the search box.
  document.addEventListener("click", function (event) {
    var hit = event.target.closest("[data-pick-id]");
    if (!hit) { return; }
    var field = document.getElementById(hit.getAttribute("data-pick-target"));
    if (!field) { return; }
    if (field.hasAttribute("data-multi")) {
      var ids = field.value ? field.value.split(",") : [];
      if (ids.indexOf(hit.getAttribute("data-pick-id")) === -1) { ids.push(hit.getAttribute("data-pick-id")); }
      field.value = ids.join(",");
      var shown = document.querySelector('[data-picked-for="' + field.id + '"]');
      if (shown) { shown.textContent = (shown.textContent ? shown.textContent + "、" : "已选：") + hit.getAttribute("data-pick-label"); }
      var hits = hit.closest(".pick-hits");
      if (hits) { hits.parentNode.innerHTML = ""; }
      var search = field.closest(".person-pick").querySelector("input[type=search]");
      if (search) { search.value = ""; search.focus(); }
      return;
    }
    field.value = hit.getAttribute("data-pick-id");
    var wrap = field.closest(".person-pick");
    var box = wrap && wrap.querySelector("input[type=search]");
    if (box) { box.value = hit.getAttribute("data-pick-label"); box.setAttribute("data-picked-label", box.value); }
    var list = hit.closest(".pick-hits");
    if (list) { list.parentNode.innerHTML = '<p class="muted" role="status">已选定：' + hit.getAttribute("data-pick-label").replace(/[<>&]/g, "") + "</p>"; }
  });

  // Typing over the name of a picked person drops the pick: the box no longer names whom the hidden id holds.
  document.addEventListener("input", function (event) {
    var box = event.target;
    var wrap = box.type === "search" && box.closest(".person-pick");
    var field = wrap && wrap.querySelector("input[type=hidden]");
    if (!field || field.hasAttribute("data-multi") || !field.value) { return; }
    if (box.getAttribute("data-picked-label") !== box.value) { field.value = ""; }
  });

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

  // ---- Typed work is not lost: drafts saved on the server as one types, a warning before the session ends ----
  var csrf = token ? token.content : "";
  var deadline = parseInt(document.body.getAttribute("data-session-deadline") || "0", 10);
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf}, body: JSON.stringify(body || {})
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (data && data.deadline) { deadline = data.deadline; hideWarning(); }
      return data;
    }).catch(function () { return null; });
  }
  var SKIP = {csrfmiddlewaretoken: 1, _draft: 1, version: 1};
  function fieldsOf(form) {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP[el.name] || el.type === "password" || el.type === "file" || el.type === "submit" ||
          el.type === "button" || (el.type === "hidden" && !el.hasAttribute("data-draft-keep"))) { return; }
      var value;
      if (el.type === "checkbox" || el.type === "radio") { if (!el.checked) { return; } value = el.value; }
      else if (el.tagName === "SELECT" && el.multiple) {
        value = Array.prototype.filter.call(el.options, function (o) { return o.selected; }).map(function (o) { return o.value; });
      } else { value = el.value; }
      if (value === "" || (Array.isArray(value) && !value.length)) { return; }
      if (out[el.name] === undefined) { out[el.name] = value; }
      else { out[el.name] = [].concat(out[el.name], value); }
    });
    return out;
  }
  function fill(form, fields) {
    Array.prototype.forEach.call(form.elements, function (el) {
      // A hidden field is restored only when it holds a choice (the person picked in a chooser).
      if (!el.name || SKIP[el.name] || !(el.name in fields) || (el.type === "hidden" && !el.hasAttribute("data-draft-keep"))) { return; }
      var value = fields[el.name];
      var values = [].concat(value);
      if (el.type === "checkbox" || el.type === "radio") { el.checked = values.indexOf(el.value) !== -1; }
      else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = values.indexOf(o.value) !== -1; });
      } else if (el.tagName === "SELECT" || !el.value || el.defaultValue === el.value) { el.value = values[0]; }
    });
  }
  document.querySelectorAll("form input[name=_draft]").forEach(function (marker) {
    var form = marker.form;
    var key = marker.value;
    var saved = form.querySelector("script[id^='draft-saved']");
    if (saved) {
      try {
        var data = JSON.parse(saved.textContent);
        fill(form, data.fields || {});
        var note = document.createElement("p");
        note.className = "msg draft-note";
        note.setAttribute("role", "status");
        note.textContent = "已恢复您 " + data.saved_at + " 未提交的内容，请核对后提交。";
        var drop = document.createElement("button");
        drop.type = "button"; drop.className = "linkish"; drop.textContent = "丢弃草稿";
        drop.addEventListener("click", function () {
          post("/drafts/save/", {key: key, fields: {}}); note.remove(); form.reset();
          form.querySelectorAll("input[type=hidden][data-draft-keep]").forEach(function (el) { el.value = ""; });
        });
        note.appendChild(document.createTextNode(" "));
        note.appendChild(drop);
        form.parentNode.insertBefore(note, form);
        var folded = form.closest("details");
        if (folded) { folded.open = true; }
      } catch (e) { /* a broken draft is ignored */ }
    }
    var timer = null;
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { post("/drafts/save/", {key: key, fields: fieldsOf(form)}); }, 1500);
    });
    form.addEventListener("change", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { post("/drafts/save/", {key: key, fields: fieldsOf(form)}); }, 800);
    });
  });
  // Typing in any other form counts as activity too (at most one call a minute).
  var lastPing = Date.now();
  document.addEventListener("input", function (event) {
    if (!deadline || (event.target.form && event.target.form.querySelector("input[name=_draft]"))) { return; }
    if (Date.now() - lastPing > 60000) { lastPing = Date.now(); post("/drafts/extend/"); }
  });
  var warning = document.getElementById("session-warning");
  function hideWarning() { if (warning) { warning.hidden = true; } }
  // Any HTMX request the server answered kept the session alive: its answer says until when.
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail && event.detail.xhr;
    var next = xhr ? parseInt(xhr.getResponseHeader("X-Session-Deadline") || "0", 10) : 0;
    if (next && next !== deadline) { deadline = next; hideWarning(); }
  });
  if (warning && deadline) {
    warning.querySelector("[data-session-extend]").addEventListener("click", function () { post("/drafts/extend/"); });
    setInterval(function () {
      var left = deadline - Math.floor(Date.now() / 1000);
      if (left <= 0) {
        window.location.assign("/accounts/login/?next=" + encodeURIComponent(window.location.pathname + window.location.search));
        return;
      }
      if (left <= 120) {
        warning.hidden = false;
        var minutes = Math.floor(left / 60), seconds = left % 60;
        warning.querySelector("[data-session-left]").textContent = (minutes ? minutes + " 分 " : "") + seconds + " 秒";
      }
    }, 1000);
  }
})();
