/*
 * tongban 通办 — progressive enhancement only. Every page works without this file.
 *
 * Copy buttons: an element with `data-copy` (e.g. the new API token) gets a "Copy" button after it.
 *   data-copy-label   button text (translated in the template)
 *   data-copied-label text announced after copying
 * The button is created here, so readers without JavaScript never see a button that does nothing.
 * No inline handlers, no eval: the Content-Security-Policy allows scripts from 'self' only.
 */
(function () {
  "use strict";

  function selectText(el) {
    var range = document.createRange();
    range.selectNodeContents(el);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copyText(el) {
    var text = el.textContent.trim();
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Fallback for plain-HTTP intranets: select the text and use the legacy command.
    selectText(el);
    return new Promise(function (resolve, reject) {
      try {
        if (document.execCommand("copy")) {
          resolve();
        } else {
          reject(new Error("copy refused"));
        }
      } catch (err) {
        reject(err);
      }
    });
  }

  function enhanceCopy(el) {
    if (el.dataset.copyReady) {
      return;
    }
    el.dataset.copyReady = "1";
    var row = document.createElement("div");
    row.className = "copy-row";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button secondary";
    button.textContent = el.dataset.copyLabel || "Copy";
    if (el.id) {
      button.setAttribute("aria-controls", el.id);
    }
    var status = document.createElement("span");
    status.className = "copy-status";
    status.setAttribute("role", "status");
    button.addEventListener("click", function () {
      copyText(el).then(
        function () {
          status.textContent = el.dataset.copiedLabel || "Copied";
        },
        function () {
          selectText(el); // at least leave it selected for Ctrl+C
        }
      );
    });
    row.appendChild(button);
    row.appendChild(status);
    var block = el.closest("p") || el;
    block.insertAdjacentElement("afterend", row);
  }

  function enhance(root) {
    root.querySelectorAll("[data-copy]").forEach(enhanceCopy);
  }

  function start() {
    enhance(document);
    // Content swapped in by htmx gets the same treatment.
    document.body.addEventListener("htmx:load", function (event) {
      enhance(event.target);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
