/*
 * Blog editor glue (htmx autosaves while typing; everything works without this file):
 * on leaving the page, text typed since the last autosave is sent with sendBeacon.
 */
(function () {
  "use strict";

  function fields(form) {
    return [form.querySelector("textarea[name=body]"), form.querySelector("input[name=title]")];
  }

  function unsaved(form) {
    return fields(form).some(function (el) {
      if (!el) return false;
      var saved = el.getAttribute("data-saved");
      if (saved === null) saved = el.defaultValue;
      return el.value !== saved;
    });
  }

  function markSaved(form) {
    fields(form).forEach(function (el) {
      if (el) el.setAttribute("data-saved", el.value);
    });
  }

  function flush() {
    if (!navigator.sendBeacon) return;
    var forms = document.querySelectorAll("form[data-autosave-url]");
    for (var i = 0; i < forms.length; i++) {
      var form = forms[i];
      if (form.hasAttribute("data-submitting") || !unsaved(form)) continue;
      if (navigator.sendBeacon(form.getAttribute("data-autosave-url"), new FormData(form))) {
        markSaved(form);
      }
    }
  }

  document.addEventListener("submit", function (event) {
    if (event.target.matches && event.target.matches("form[data-autosave-url]")) {
      event.target.setAttribute("data-submitting", "");
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var el = event.detail && event.detail.elt;
    var form = el && el.closest && el.closest("form[data-autosave-url]");
    if (form && event.detail.successful) markSaved(form);
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flush();
  });
  window.addEventListener("pagehide", flush);
})();
