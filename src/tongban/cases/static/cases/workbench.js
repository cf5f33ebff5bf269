/*
 * tongban 通办 — workbench pages of cases: progressive enhancement only, every page works without it.
 *
 * 1. Scan a licence QR code at the front desk. Each button `[data-cw-scan]` names the textarea it fills
 *    (data-target, an id) and its camera panel (data-panel, an id); texts come in data-stop-label and
 *    data-error-label, messages go to `[data-cw-scan-status="<target id>"]`. It uses the browser's own
 *    BarcodeDetector (no library) and stays hidden where it or the camera is missing. Unlike the public
 *    verifier, a scan fills the field and does not submit: the clerk submits the whole application.
 * 2. The one-time-notice builder: choosing a reason or typing detail ticks that row's checkbox
 *    (`[data-cw-picks="<checkbox id>"]`), so a reason is never chosen for a row left out by mistake.
 * No inline handlers, no eval: the Content-Security-Policy allows scripts from 'self' only.
 */
(function () {
  "use strict";

  function setupScan(button, detector) {
    var field = document.getElementById(button.dataset.target || "");
    var panel = document.getElementById(button.dataset.panel || "");
    if (!field || !panel) {
      return;
    }
    var video = panel.querySelector("video");
    var status = document.querySelector('[data-cw-scan-status="' + field.id + '"]');
    var startLabel = button.textContent;
    var stream = null;
    var timer = null;

    function stop() {
      window.clearTimeout(timer);
      if (stream) {
        stream.getTracks().forEach(function (track) {
          track.stop();
        });
      }
      stream = null;
      video.srcObject = null;
      panel.hidden = true;
      button.textContent = startLabel;
      button.setAttribute("aria-expanded", "false");
    }

    function look() {
      if (!stream) {
        return;
      }
      detector.detect(video).then(
        function (codes) {
          if (codes.length && codes[0].rawValue) {
            field.value = codes[0].rawValue;
            stop();
            field.focus();
            return;
          }
          timer = window.setTimeout(look, 250);
        },
        function () {
          timer = window.setTimeout(look, 500);
        }
      );
    }

    button.addEventListener("click", function () {
      if (stream) {
        stop();
        return;
      }
      navigator.mediaDevices
        .getUserMedia({ video: { facingMode: "environment" }, audio: false })
        .then(function (media) {
          stream = media;
          video.srcObject = media;
          panel.hidden = false;
          button.textContent = button.dataset.stopLabel || startLabel;
          button.setAttribute("aria-expanded", "true");
          if (status) {
            status.textContent = "";
          }
          return video.play().then(look);
        })
        .catch(function () {
          stop();
          if (status) {
            status.textContent = button.dataset.errorLabel || "";
          }
        });
    });
    button.hidden = false;
  }

  function startScanning() {
    var buttons = document.querySelectorAll("[data-cw-scan]");
    if (!buttons.length || !("BarcodeDetector" in window)) {
      return;
    }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return;
    }
    var formats = window.BarcodeDetector.getSupportedFormats
      ? window.BarcodeDetector.getSupportedFormats()
      : Promise.resolve(["qr_code"]);
    formats.then(
      function (supported) {
        if (supported.indexOf("qr_code") === -1) {
          return;
        }
        var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        Array.prototype.forEach.call(buttons, function (button) {
          setupScan(button, detector);
        });
      },
      function () {}
    );
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
