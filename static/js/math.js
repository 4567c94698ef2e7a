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
          // Bounds on one formula's work: macro expansions, and sizes like \rule{500em}{500em}
          // (capped to 10em). The server typesets at most 50 formulas in a text (MAX_MATH in
          // core/lib/markdown.py), so one comment typesets in well under 50 ms.
          maxExpand: 100,
          maxSize: 10,
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
