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
