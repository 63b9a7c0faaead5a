// Civo: a name for Swagger UI's icon-only copy buttons, and keyboard access to its
// scrolling code blocks (WCAG 4.1.2 and 2.1.1), as the page renders.
new MutationObserver(function () {
  document.querySelectorAll(".copy-to-clipboard button:not([aria-label])")
    .forEach(function (b) { b.setAttribute("aria-label", "Copy to clipboard"); });
  document.querySelectorAll(".microlight:not([tabindex]), .curl:not([tabindex])")
    .forEach(function (e) { e.setAttribute("tabindex", "0"); });
}).observe(document.body, { childList: true, subtree: true });
