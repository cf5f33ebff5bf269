/*
 * tongban 通办 — licence wallet: the QR code's countdown and the print button.
 * Progressive enhancement only: without scripts the page shows the expiry time and says how to print.
 *
 * Countdown: an element with `data-countdown` and
 *   data-seconds        seconds the code still lives, counted by the server (so a wrong phone clock
 *                       does not matter)
 *   data-left-label     text with {time} for the time left, e.g. "还剩 {time}"
 *   data-expired-label  text shown and announced once the code has expired
 * On expiry the QR code box ([data-qr-box]) greys out and its overlay ([data-qr-expired]) appears.
 * Print: an element with `data-print` gets a button (text from data-print-label) that prints the page.
 * No inline handlers, no eval: the Content-Security-Policy allows scripts from 'self' only.
 */
(function () {
  "use strict";

  function format(seconds) {
    var m = Math.floor(seconds / 60);
    var s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function startCountdown(el) {
    var seconds = parseInt(el.dataset.seconds, 10);
    if (isNaN(seconds)) {
      return;
    }
    var deadline = Date.now() + seconds * 1000;
    var left = el.querySelector("[data-countdown-left]");
    var status = document.querySelector("[data-countdown-status]");
    var box = document.querySelector("[data-qr-box]");
    var overlay = document.querySelector("[data-qr-expired]");
    var label = el.dataset.leftLabel || "{time}";
    var timer = null;

    function tick() {
      var remaining = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      if (remaining > 0) {
        if (left) {
          left.textContent = label.replace("{time}", format(remaining));
        }
        return;
      }
      window.clearInterval(timer);
      el.classList.add("is-expired");
      if (left) {
        left.textContent = "";
      }
      if (box) {
        box.classList.add("is-expired");
      }
      if (overlay) {
        overlay.hidden = false;
      }
      if (status) {
        status.textContent = el.dataset.expiredLabel || "";
      }
    }

    tick();
    timer = window.setInterval(tick, 1000);
  }

  function addPrintButton(el) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.textContent = el.dataset.printLabel || "Print";
    button.addEventListener("click", function () {
      window.print();
    });
    el.appendChild(button);
  }

  function start() {
    document.querySelectorAll("[data-countdown]").forEach(startCountdown);
    document.querySelectorAll("[data-print]").forEach(addPrintButton);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
