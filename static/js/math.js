/*
 * Typesets the math that seminar/lib/markdown.py emits (`span.math.inline` and `div.math`,
 * holding escaped TeX source as text) with KaTeX, on page load and after htmx swaps.
 * Idempotent: elements already typeset (here or by editor.js) carry data-math-typeset.
 */
(function () {
  "use strict";

  var DONE = "data-math-typeset";

  function typeset(root) {
    if (!window.katex || !root || !root.querySelectorAll) return;
    var nodes = root.querySelectorAll(".math.inline, div.math");
    for (var i = 0; i < nodes.length; i++) {
      var el = nodes[i];
      if (el.hasAttribute(DONE)) continue;
      var source = el.textContent;
      try {
        window.katex.render(source.trim(), el, {
          displayMode: el.tagName === "DIV",
          throwOnError: false,
          trust: false,
          strict: "ignore",
          maxExpand: 500,
        });
        el.setAttribute(DONE, "");
        el.setAttribute("data-math-source", source);
      } catch (err) {
        el.setAttribute(DONE, "error"); // the TeX source stays visible
      }
    }
  }

  window.seminarTypeset = typeset;
  document.addEventListener("DOMContentLoaded", function () {
    typeset(document.body);
  });
  document.addEventListener("htmx:load", function (event) {
    typeset(event.target);
  });
})();
