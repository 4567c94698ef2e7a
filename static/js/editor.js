/*
 * Math typesetting and editor glue. Loaded as an external file (no inline scripts, so a
 * strict Content-Security-Policy works); needs static/vendor/katex/katex.min.js first.
 *
 * - Typesets the math the renderer marks up (`span.math.inline`, `div.math.block`, see
 *   seminar/lib/markdown.py) on page load, after htmx swaps and after each markdownx preview.
 * - Starts markdownx on editors that htmx swapped in after page load.
 * - Keeps Tab for moving the focus (markdownx would trap it for indenting).
 * - Shows upload errors from /editor/upload/ next to the editor instead of inserting
 *   markdownx's "Invalid response" into the writer's text.
 */
(function () {
  "use strict";

  var DONE = "data-math-typeset";
  var MARKDOWNX_ERROR_TEXT = "Invalid response";

  function typesetMath(root) {
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
        // Leave the TeX source visible; it is already escaped text.
        el.setAttribute(DONE, "error");
      }
    }
  }

  function startNewEditors(root) {
    // markdownx binds editors once, on page load; re-running its script binds the ones
    // htmx added since (it skips editors that carry data-markdownx-init).
    if (!root.querySelector || !root.querySelector(".markdownx-editor:not([data-markdownx-init])")) {
      return;
    }
    var loaded = document.querySelector('script[src*="markdownx/js/markdownx"]');
    if (!loaded) return;
    var again = document.createElement("script");
    again.src = loaded.src;
    again.setAttribute("data-markdownx-rerun", "");
    document.body.appendChild(again);
    again.addEventListener("load", function () {
      again.remove();
    });
  }

  function uploadErrorMessage(detail) {
    var response = detail && detail[0];
    if (response && response.image && response.image.length) return response.image.join(" ");
    return "The image could not be uploaded. Please try again.";
  }

  function showUploadError(container, message) {
    var box = container.querySelector(".markdownx-upload-error");
    if (!box) {
      box = document.createElement("p");
      box.className = "markdownx-upload-error";
      box.setAttribute("role", "alert");
      container.appendChild(box);
    }
    box.textContent = message;
  }

  function removeInsertedError(container) {
    // markdownx inserts "Invalid response" at the cursor right after the error event.
    window.setTimeout(function () {
      var editor = container.querySelector(".markdownx-editor");
      if (!editor) return;
      var end = editor.selectionStart;
      var start = end - MARKDOWNX_ERROR_TEXT.length;
      if (start >= 0 && editor.value.slice(start, end) === MARKDOWNX_ERROR_TEXT) {
        editor.value = editor.value.slice(0, start) + editor.value.slice(end);
        editor.selectionStart = editor.selectionEnd = start;
      }
    }, 0);
  }

  function onUploadError(event) {
    var container = event.target;
    if (!container || !container.querySelector) return;
    showUploadError(container, uploadErrorMessage(event.detail));
    removeInsertedError(container);
  }

  document.addEventListener("DOMContentLoaded", function () {
    typesetMath(document.body);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target ? event.detail.target : event.target;
    typesetMath(target);
    startNewEditors(target);
  });
  // markdownx's events do not bubble: listen in the capture phase.
  document.addEventListener(
    "markdownx.update",
    function (event) {
      typesetMath(event.target);
    },
    true
  );
  document.addEventListener(
    "markdownx.fileUploadEnd",
    function (event) {
      var box = event.target.querySelector && event.target.querySelector(".markdownx-upload-error");
      if (box) box.remove();
    },
    true
  );
  // markdownx turns Tab into "indent", which traps keyboard users in the editor. Tab
  // (and Shift+Tab) move the focus as everywhere else; Ctrl+] / Ctrl+[ still indent.
  window.addEventListener(
    "keydown",
    function (event) {
      if (event.key !== "Tab" || event.ctrlKey || event.altKey || event.metaKey) return;
      var target = event.target;
      if (target && target.classList && target.classList.contains("markdownx-editor")) {
        event.stopImmediatePropagation();
      }
    },
    true
  );

  document.addEventListener("markdownx.fileUploadError", onUploadError, true);
  document.addEventListener("fileUploadError", onUploadError, true);
})();
