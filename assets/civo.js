// Civo: give every file input of an upload zone an accessible name.
// (The drop zone's <input type=file> takes no props of ours; its wrapper carries the
// translated name in data-file-label, and forms re-mount, so keep watching the page.)
(function () {
  function label() {
    document.querySelectorAll("[data-file-label] input[type=file]").forEach(function (input) {
      var name = input.closest("[data-file-label]").getAttribute("data-file-label");
      if (name && input.getAttribute("aria-label") !== name) {
        input.setAttribute("aria-label", name);
      }
    });
  }
  new MutationObserver(label).observe(document.documentElement, {
    childList: true, subtree: true, attributes: true, attributeFilter: ["data-file-label"],
  });
  label();
})();

// Civo: nothing typed is lost.
// - Every text field with a limit shows a counter next to it, and over the limit says so
//   (the browser's maxlength would cut a paste silently: the limit moves to data-limit,
//   the server refuses too long texts with a message, and the text stays in the field).
// - A comment being typed is kept in this tab (sessionStorage) until it is sent; if the
//   phase closes meanwhile, the page shows it back with a notice instead of losing it.
// Texts come translated from the page (#civo-strings, see civo/components/layout.py).
(function () {
  function strings() {
    var el = document.getElementById("civo-strings");
    return el ? el.dataset : {};
  }
  function fill(template, n, max) {
    return (template || "{n} / {max}").replace("{n}", n.toLocaleString())
      .replace("{max}", max.toLocaleString());
  }
  function update(field) {
    var counter = document.getElementById(field.id + "-count");
    if (!counter) return;
    var max = parseInt(field.dataset.limit, 10), n = field.value.length, s = strings();
    var over = n > max;
    counter.textContent = over ? fill(s.over, n - max, max) : fill(s.count, n, max);
    counter.classList.toggle("char-counter-over", over);
    field.setAttribute("aria-invalid", over ? "true" : "false");
  }
  function equip() {
    document.querySelectorAll("textarea[maxlength], input[maxlength]").forEach(function (field) {
      var type = (field.getAttribute("type") || "text").toLowerCase();
      if (!field.id || ["text", "search", "url", "email"].indexOf(type) < 0 &&
          field.tagName !== "TEXTAREA") return;
      field.dataset.limit = field.getAttribute("maxlength");
      field.removeAttribute("maxlength");
      if (!document.getElementById(field.id + "-count")) {
        var counter = document.createElement("p");
        counter.id = field.id + "-count";
        counter.className = "char-counter";
        counter.setAttribute("aria-live", "polite");
        field.insertAdjacentElement("afterend", counter);
        var described = field.getAttribute("aria-describedby");
        field.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
      }
      update(field);
    });
    rescue();
  }
  function draftKey() { return "civo-draft:" + location.pathname; }
  function rescue() {
    var box = document.querySelector("[data-draft-rescue]");
    var draft = sessionStorage.getItem(draftKey());
    if (!box || !draft || box.childElementCount) return;
    var s = strings();
    var note = document.createElement("p");
    note.textContent = box.dataset.notice;
    var kept = document.createElement("textarea");
    kept.readOnly = true;
    kept.value = draft;
    kept.rows = 4;
    kept.id = "draft-kept";
    kept.setAttribute("aria-label", box.dataset.label || "");
    var discard = document.createElement("button");
    discard.type = "button";
    discard.textContent = box.dataset.dismiss || "OK";
    discard.className = "draft-discard";
    discard.addEventListener("click", function () {
      sessionStorage.removeItem(draftKey());
      box.replaceChildren();
    });
    box.replaceChildren(note, kept, discard);
    box.className = "draft-rescue";
    void s;
  }
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (field.dataset && field.dataset.limit) update(field);
    if (field.id === "comment-body") {
      if (field.value) sessionStorage.setItem(draftKey(), field.value);
      else sessionStorage.removeItem(draftKey());
    }
  });
  // A sent comment empties the field from the server (no input event): forget its draft.
  document.addEventListener("submit", function (event) {
    if (!event.target.querySelector("#comment-body")) return;
    var tries = 0, timer = setInterval(function () {
      var field = document.getElementById("comment-body");
      if (!field || !field.value) {
        if (field) sessionStorage.removeItem(draftKey());
        clearInterval(timer);
        if (field) update(field);
      } else if (++tries > 30) clearInterval(timer);
    }, 500);
  });
  new MutationObserver(equip).observe(document.documentElement, {childList: true, subtree: true});
  equip();
})();

// Civo: focus follows what the reader asked for.
// - After "Load more", focus moves to the first new entry of the list above the button.
// - After moving to another page inside the app, focus moves to its heading (h1), so
//   screen readers start at the new page's name instead of a stale spot.
(function () {
  function listBefore(button) {
    for (var el = button.previousElementSibling; el; el = el.previousElementSibling) {
      if (el.tagName === "UL" || el.tagName === "OL") return el;
    }
    return null;
  }
  function focusEntry(entry) {
    var target = entry.querySelector("a[href], button") || entry;
    if (target === entry && !entry.hasAttribute("tabindex")) entry.setAttribute("tabindex", "-1");
    target.focus();
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[id$='-more']");
    if (!button) return;
    var list = listBefore(button);
    if (!list) return;
    var before = list.children.length, tries = 0;
    var timer = setInterval(function () {
      if (list.children.length > before) {
        clearInterval(timer);
        focusEntry(list.children[before]);
      } else if (++tries > 50) clearInterval(timer);
    }, 200);
  });
  var last = location.pathname;
  function moved() {
    if (location.pathname === last) return;
    last = location.pathname;
    var tries = 0, timer = setInterval(function () {
      var heading = document.querySelector("main#main h1");
      if (heading && heading.textContent.trim()) {
        clearInterval(timer);
        heading.setAttribute("tabindex", "-1");
        heading.focus({preventScroll: true});
      } else if (++tries > 25) clearInterval(timer);
    }, 120);
  }
  ["pushState", "replaceState"].forEach(function (name) {
    var original = history[name];
    history[name] = function () {
      var result = original.apply(this, arguments);
      setTimeout(moved, 0);
      return result;
    };
  });
  window.addEventListener("popstate", moved);
})();
