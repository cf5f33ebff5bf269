/*
 * tongban 通办 — workbench pages of cases: progressive enhancement only, every page works without it.
 *
 * 1. Scan a licence QR code at the front desk. Each button `[data-cw-scan]` names the textarea it fills
 *    (data-target, an id) and its camera panel (data-panel, an id); texts come in data-stop-label and
 *    data-error-label, messages go to `[data-cw-scan-status="<target id>"]`. The camera reading is
 *    licenses/qr-scan.js, shared with the verifier; the button stays hidden where it or the camera is
 *    missing. Unlike the public
 *    verifier, a scan fills the field and does not submit: the clerk submits the whole application.
 * 2. The one-time-notice builder: choosing a reason or typing detail ticks that row's checkbox
 *    (`[data-cw-picks="<checkbox id>"]`), so a reason is never chosen for a row left out by mistake.
 * No inline handlers, no eval: the Content-Security-Policy allows scripts from 'self' only.
 */
(function () {
  "use strict";

  function startScanning() {
    var buttons = document.querySelectorAll("[data-cw-scan]");
    var scan = window.tongbanQrScan;
    if (!buttons.length || !scan) {
      return;
    }
    scan.available().then(function (ok) {
      if (!ok) {
        return;
      }
      Array.prototype.forEach.call(buttons, function (button) {
        var field = document.getElementById(button.dataset.target || "");
        var panel = document.getElementById(button.dataset.panel || "");
        if (!field || !panel) {
          return;
        }
        var status = document.querySelector('[data-cw-scan-status="' + field.id + '"]');
        scan.attach(button, panel, status, function (code) {
          field.value = code;
          field.focus();
        });
      });
    });
  }

  function startBuilder() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-cw-picks]"), function (input) {
      var box = document.getElementById(input.dataset.cwPicks || "");
      if (!box) {
        return;
      }
      var pick = function () {
        if (input.value) {
          box.checked = true;
        }
      };
      input.addEventListener("change", pick);
      input.addEventListener("input", pick);
    });
  }

  function start() {
    startScanning();
    startBuilder();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
