/*
 * tongban 通办 — suggestions under the search boxes. Progressive enhancement only: without this file the
 * search boxes are plain GET forms to /search/ and work the same.
 *
 * Every `input[data-search-suggest]` becomes an ARIA 1.2 combobox with a listbox popup ("list
 * autocomplete with manual selection", WAI-ARIA Authoring Practices):
 *   - typing asks GET data-suggest-url?q=… (same origin, debounced, the previous request aborted);
 *     nothing is asked while an input method is composing (拼音输入法), only once the text is committed;
 *   - ↓ / ↑ move through the suggestions (aria-activedescendant; focus stays in the box), Enter on a
 *     suggestion puts it in the box and searches, Enter without one searches what was typed;
 *   - Escape closes the list (a second Escape clears the box), Tab and leaving the box close it;
 *   - a polite status line announces how many suggestions there are. Its texts come from the
 *     `data-suggest-one` / `data-suggest-many` attributes of `[data-suggest-messages]` (translated in
 *     portal/base.html; `{count}` is replaced).
 * Suggestions are inserted as text (textContent), never as HTML. No inline handlers, no eval: the
 * Content-Security-Policy allows scripts from 'self' only.
 */
(function () {
  "use strict";

  var DEBOUNCE_MS = 180;
  var MAX_SHOWN = 10;
  var counter = 0;

  function messageFor(count) {
    var source = document.querySelector("[data-suggest-messages]");
    var data = source ? source.dataset : {};
    var text = count === 1 ? data.suggestOne || "1 suggestion." : data.suggestMany || "{count} suggestions.";
    return text.replace("{count}", String(count));
  }

  /* The suggestion as text, with the part that matches what was typed in <mark>. */
  function fillOption(li, text, typed) {
    var at = typed ? text.toLowerCase().indexOf(typed.toLowerCase()) : -1;
    if (at < 0) {
      li.textContent = text;
      return;
    }
    var mark = document.createElement("mark");
    mark.textContent = text.slice(at, at + typed.length);
    li.appendChild(document.createTextNode(text.slice(0, at)));
    li.appendChild(mark);
    li.appendChild(document.createTextNode(text.slice(at + typed.length)));
  }

  function enhance(input) {
    if (input.dataset.suggestReady || !window.fetch || !input.form) {
      return;
    }
    input.dataset.suggestReady = "1";
    counter += 1;
    if (!input.id) {
      input.id = "search-suggest-" + counter;
    }
    var url = input.dataset.suggestUrl || "/api/v1/search/suggest";
    var listId = input.id + "-suggestions";
    var host = input.parentElement;
    host.classList.add("suggest-host");

    var list = document.createElement("ul");
    list.id = listId;
    list.className = "suggest-list";
    list.setAttribute("role", "listbox");
    var label = input.labels && input.labels.length ? input.labels[0].textContent.trim() : "";
    if (label) {
      list.setAttribute("aria-label", label);
    }
    list.hidden = true;
    host.appendChild(list);

    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    host.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    var options = [];
    var active = -1;
    var timer = null;
    var controller = null;
    var asked = null; // the text the current options answer
    var sequence = 0;
    var composing = false;

    function isOpen() {
      return !list.hidden;
    }

    function open() {
      if (options.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    function setActive(index) {
      if (active >= 0 && options[active]) {
        options[active].setAttribute("aria-selected", "false");
        options[active].classList.remove("is-active");
      }
      active = index;
      if (index >= 0 && options[index]) {
        options[index].setAttribute("aria-selected", "true");
        options[index].classList.add("is-active");
        input.setAttribute("aria-activedescendant", options[index].id);
        if (options[index].scrollIntoView) {
          options[index].scrollIntoView({ block: "nearest" });
        }
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function submit() {
      var form = input.form;
      if (form.requestSubmit) {
        form.requestSubmit();
      } else {
        form.submit();
      }
    }

    function choose(index) {
      input.value = options[index].textContent;
      asked = input.value.trim();
      close();
      submit();
    }

    function render(items, typed) {
      setActive(-1);
      list.textContent = "";
      options = items.slice(0, MAX_SHOWN).map(function (text, index) {
        var li = document.createElement("li");
        li.id = listId + "-" + index;
        li.className = "suggest-option";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        fillOption(li, text, typed);
        // Keep the focus in the box when the pointer presses an option.
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();
        });
        li.addEventListener("click", function () {
          choose(index);
        });
        list.appendChild(li);
        return li;
      });
      if (options.length) {
        open();
        status.textContent = messageFor(options.length);
      } else {
        close();
        status.textContent = "";
      }
    }

    function ask() {
      var typed = input.value.trim();
      if (typed === asked) {
        open();
        return;
      }
      asked = typed;
      if (controller) {
        controller.abort();
      }
      if (!typed) {
        render([], "");
        return;
      }
      controller = window.AbortController ? new AbortController() : null;
      sequence += 1;
      var mine = sequence;
      fetch(url + "?q=" + encodeURIComponent(typed), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("suggest: HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          // Only the answer to the latest question, and only while the reader is still in the box.
          if (mine === sequence && document.activeElement === input) {
            render(Array.isArray(data.suggestions) ? data.suggestions : [], typed);
          }
        })
        .catch(function () {
          // Offline, rate limited or aborted: no suggestions; the form still searches.
        });
    }

    function schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DEBOUNCE_MS);
    }

    input.addEventListener("compositionstart", function () {
      composing = true;
    });
    input.addEventListener("compositionend", function () {
      composing = false;
      schedule();
    });
    input.addEventListener("input", function (event) {
      if (!composing && !event.isComposing) {
        schedule();
      }
    });

    input.addEventListener("keydown", function (event) {
      if (event.isComposing || event.keyCode === 229) {
        return; // the input method is using the key
      }
      switch (event.key) {
        case "ArrowDown":
        case "Down":
          event.preventDefault();
          if (!isOpen()) {
            if (options.length && asked === input.value.trim()) {
              open();
            } else {
              ask();
            }
            return;
          }
          setActive(active + 1 >= options.length ? 0 : active + 1);
          break;
        case "ArrowUp":
        case "Up":
          if (isOpen()) {
            event.preventDefault();
            setActive(active <= 0 ? options.length - 1 : active - 1);
          }
          break;
        case "Enter":
          if (isOpen() && active >= 0) {
            event.preventDefault();
            choose(active);
          } else {
            close(); // and the form submits what was typed
          }
          break;
        case "Escape":
        case "Esc":
          if (isOpen()) {
            event.preventDefault();
            close();
          } else if (input.value) {
            event.preventDefault();
            input.value = "";
            asked = "";
            render([], "");
          }
          break;
        case "Tab":
          close();
          break;
        default:
          break;
      }
    });

    input.addEventListener("blur", function () {
      close();
    });
  }

  function start() {
    document.querySelectorAll("input[data-search-suggest]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
