/*
 * "Add image" beside the comment editor: a button that opens the phone's or computer's
 * image picker (a file input with accept="image/*"), sends the file to the editor's
 * upload endpoint (/editor/upload/, the same one dropping a file on the text uses) with a
 * progress bar, and inserts the returned markdown at the cursor. External file, no inline
 * script or style (Content-Security-Policy). Without JavaScript the button stays hidden:
 * writing and posting work as before.
 */
(function () {
  "use strict";

  function csrfToken(form) {
    var input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function insertAtCursor(textarea, text) {
    var start = textarea.selectionStart || 0;
    var end = textarea.selectionEnd || start;
    var before = textarea.value.slice(0, start);
    var after = textarea.value.slice(end);
    var gap = before && !/\n$/.test(before) ? "\n" : "";
    textarea.value = before + gap + text + "\n" + after;
    textarea.selectionStart = textarea.selectionEnd = (before + gap + text + "\n").length;
    // The preview, the draft autosave and the duplicate check all listen for input.
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    textarea.dispatchEvent(new Event("keyup", { bubbles: true }));
  }

  function errorText(xhr) {
    try {
      var body = JSON.parse(xhr.responseText);
      if (body && body.image && body.image.length) return body.image.join(" ");
    } catch (err) {
      /* not JSON: fall through */
    }
    return "The image could not be uploaded. Please try again.";
  }

  function upload(box, file) {
    var container = box.closest(".markdownx");
    var textarea = container && container.querySelector("textarea");
    var progress = box.querySelector(".image-progress");
    var status = box.querySelector(".image-status");
    var button = box.querySelector(".image-button");
    if (!textarea) return;
    var data = new FormData();
    data.append("image", file);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", box.getAttribute("data-image-upload"));
    xhr.setRequestHeader("X-CSRFToken", csrfToken(box.closest("form")));
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.upload.addEventListener("progress", function (event) {
      if (!event.lengthComputable) return;
      progress.value = Math.round((event.loaded / event.total) * 100);
      status.textContent = "Uploading… " + progress.value + "%";
    });
    xhr.addEventListener("load", function () {
      progress.hidden = true;
      button.disabled = false;
      var body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch (err) {
        body = null;
      }
      if (xhr.status === 200 && body && body.image_code) {
        insertAtCursor(textarea, body.image_code);
        status.textContent = "Image added.";
        status.classList.remove("error");
      } else {
        status.textContent = errorText(xhr);
        status.classList.add("error");
      }
    });
    xhr.addEventListener("error", function () {
      progress.hidden = true;
      button.disabled = false;
      status.textContent = "The image could not be uploaded. Check your connection and try again.";
      status.classList.add("error");
    });
    progress.value = 0;
    progress.hidden = false;
    button.disabled = true;
    status.classList.remove("error");
    status.textContent = "Uploading… 0%";
    xhr.send(data);
  }

  function reveal(root) {
    if (!root || !root.querySelectorAll) return;
    var boxes = root.querySelectorAll("[data-image-upload][hidden]");
    for (var i = 0; i < boxes.length; i++) boxes[i].hidden = false;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".image-button");
    if (!button) return;
    var input = button.parentNode.querySelector("input[type=file]");
    if (input) input.click();
  });
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-image-upload] input[type=file]")) return;
    if (input.files && input.files[0]) upload(input.closest("[data-image-upload]"), input.files[0]);
    input.value = "";
  });
  document.addEventListener("DOMContentLoaded", function () {
    reveal(document.body);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    reveal(event.detail && event.detail.target ? event.detail.target : event.target);
  });
  // htmx's out-of-band swaps and hx-swap="outerHTML" may replace the target itself.
  document.addEventListener("htmx:load", function (event) {
    reveal(event.target);
  });
})();
