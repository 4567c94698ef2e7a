/*
 * Discussion glue (htmx does the rest; everything works without this file too):
 * - "Cancel" on a reply form removes the form.
 * - Drafts: htmx saves them while typing (see discussions/forms.py); on leaving the page,
 *   any text typed since the last save is sent with navigator.sendBeacon.
 * - A post refused for coming too fast (429) is the form again, with its message and the
 *   text: swapped in like the other refusals (htmx leaves 4xx answers unswapped).
 */
(function () {
  "use strict";

  function unsaved(textarea) {
    var saved = textarea.getAttribute("data-saved");
    if (saved === null) saved = textarea.defaultValue;
    return textarea.value !== saved;
  }

  function flushDrafts() {
    if (!navigator.sendBeacon) return;
    var forms = document.querySelectorAll("form[data-draft-url]");
    for (var i = 0; i < forms.length; i++) {
      var form = forms[i];
      var textarea = form.querySelector("textarea[name=body]");
      if (!textarea || !unsaved(textarea)) continue;
      if (navigator.sendBeacon(form.getAttribute("data-draft-url"), new FormData(form))) {
        textarea.setAttribute("data-saved", textarea.value);
      }
    }
  }

  document.addEventListener("click", function (event) {
    var cancel = event.target.closest && event.target.closest("[data-cancel-form]");
    if (!cancel) return;
    var form = cancel.closest("form");
    if (!form) return;
    event.preventDefault();
    flushDrafts();
    form.remove();
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var el = event.detail && event.detail.elt;
    if (el && el.matches && el.matches("textarea[name=body]") && event.detail.successful) {
      el.setAttribute("data-saved", el.value);
    }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    var source = (detail.requestConfig && detail.requestConfig.elt) || detail.elt;
    if (detail.xhr && detail.xhr.status === 429 && source && source.matches &&
        source.matches("form.compose")) {
      detail.shouldSwap = true;
      detail.isError = false;
    }
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flushDrafts();
  });
  window.addEventListener("pagehide", flushDrafts);
})();
