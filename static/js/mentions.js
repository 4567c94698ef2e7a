/*
 * @mention autocomplete in the comment editor (everything works without it: typing
 * @Handle by hand mentions the same way). Typing "@" and letters in a form with a
 * data-mentions URL (the seminar's members, JSON, members only) opens a list of matching
 * members under the text; arrow keys move, Enter or Tab picks, Escape closes, a click
 * picks. Picking writes "@Handle " in place of what was typed.
 */
(function () {
  "use strict";

  var cache = {};
  var MAX = 6;

  function load(url) {
    if (!cache[url]) {
      cache[url] = fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { members: [] }; })
        .then(function (data) { return data.members || []; })
        .catch(function () { return []; });
    }
    return cache[url];
  }

  function typedQuery(textarea) {
    var before = textarea.value.slice(0, textarea.selectionStart);
    var match = /(^|[^\w@.])@(\w*)$/.exec(before);
    return match ? match[2] : null;
  }

  function listFor(textarea) {
    var list = textarea._mentionList;
    if (!list) {
      list = document.createElement("ul");
      list.className = "mention-list";
      list.id = textarea.id + "-mentions";
      list.setAttribute("role", "listbox");
      list.setAttribute("aria-label", "Members to mention");
      list.hidden = true;
      textarea.insertAdjacentElement("afterend", list);
      textarea.setAttribute("aria-controls", list.id);
      textarea.setAttribute("aria-autocomplete", "list");
      list.addEventListener("mousedown", function (event) {
        var item = event.target.closest("[role=option]");
        if (!item) return;
        event.preventDefault();
        pick(textarea, item.getAttribute("data-handle"));
      });
      textarea._mentionList = list;
    }
    return list;
  }

  function close(textarea) {
    var list = textarea._mentionList;
    // Whether the list is open is told by the list itself (hidden or not): a textarea is
    // a textbox, on which aria-expanded is not allowed (axe: aria-allowed-attr).
    if (list) list.hidden = true;
    textarea.removeAttribute("aria-activedescendant");
  }

  function activate(textarea, index) {
    var options = textarea._mentionList.querySelectorAll("[role=option]");
    if (!options.length) return;
    index = (index + options.length) % options.length;
    for (var i = 0; i < options.length; i++) {
      options[i].setAttribute("aria-selected", i === index ? "true" : "false");
    }
    textarea._mentionActive = index;
    textarea.setAttribute("aria-activedescendant", options[index].id);
  }

  function show(textarea, members, query) {
    var q = query.toLowerCase();
    var found = members.filter(function (m) {
      return m.handle.toLowerCase().indexOf(q) === 0 || m.name.toLowerCase().indexOf(q) !== -1;
    }).slice(0, MAX);
    var list = listFor(textarea);
    list.textContent = "";
    if (!found.length) { close(textarea); return; }
    found.forEach(function (m, i) {
      var item = document.createElement("li");
      item.id = list.id + "-" + i;
      item.setAttribute("role", "option");
      item.setAttribute("data-handle", m.handle);
      item.textContent = m.name + " (@" + m.handle + ")";
      list.appendChild(item);
    });
    list.hidden = false;
    activate(textarea, 0);
  }

  function pick(textarea, handle) {
    var end = textarea.selectionStart;
    var before = textarea.value.slice(0, end).replace(/@(\w*)$/, "@" + handle + " ");
    textarea.value = before + textarea.value.slice(end);
    textarea.selectionStart = textarea.selectionEnd = before.length;
    close(textarea);
    textarea.focus();
    textarea.dispatchEvent(new Event("input", { bubbles: true }));  // drafts, preview
  }

  document.addEventListener("input", function (event) {
    var textarea = event.target;
    if (!(textarea instanceof HTMLTextAreaElement)) return;
    var form = textarea.closest("form[data-mentions]");
    if (!form) return;
    var query = typedQuery(textarea);
    if (query === null) { close(textarea); return; }
    load(form.getAttribute("data-mentions")).then(function (members) {
      if (typedQuery(textarea) === query) show(textarea, members, query);
    });
  });

  document.addEventListener("keydown", function (event) {
    var textarea = event.target;
    var list = textarea && textarea._mentionList;
    if (!list || list.hidden) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      activate(textarea, textarea._mentionActive + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" || event.key === "Tab") {
      var options = list.querySelectorAll("[role=option]");
      var chosen = options[textarea._mentionActive];
      if (!chosen) return;
      event.preventDefault();
      pick(textarea, chosen.getAttribute("data-handle"));
    } else if (event.key === "Escape") {
      close(textarea);
    }
  });

  document.addEventListener("focusout", function (event) {
    if (event.target instanceof HTMLTextAreaElement) close(event.target);
  });
})();
