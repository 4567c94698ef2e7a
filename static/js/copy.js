/*
 * Copy buttons: a button with data-copy-target="<id>" copies that field's value to the
 * clipboard (the profile's calendar address). The buttons start hidden and appear only
 * where the Clipboard API is there; elsewhere the field can still be selected by hand.
 * A file, not an inline script, for the Content-Security-Policy (seminar/settings.py).
 */
(function () {
  "use strict";

  function start() {
    if (!navigator.clipboard) return;
    document.querySelectorAll("[data-copy-target]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var field = document.getElementById(button.dataset.copyTarget);
        if (!field) return;
        navigator.clipboard.writeText(field.value).then(
          function () {
            button.textContent = "Copied";
          },
          function () {
            field.select();
          }
        );
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
