/*
 * tongban 通办 — reading a licence QR code with the camera, shared by the public verifier and the
 * workbench front desk. Uses the browser's own BarcodeDetector (no library).
 *
 *   window.tongbanQrScan.available()  → Promise<boolean>: a camera API and QR support are present
 *   window.tongbanQrScan.attach(button, panel, status, onCode)
 *       button  toggles the camera (its texts: data-stop-label, data-error-label); it is shown here
 *       panel   holds the <video> and is shown while scanning; status receives messages (may be null)
 *       onCode  called with the code read, after the camera has stopped
 * No inline handlers, no eval: the Content-Security-Policy allows scripts from 'self' only.
 */
(function () {
  "use strict";

  function available() {
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return Promise.resolve(false);
    }
    var formats = window.BarcodeDetector.getSupportedFormats
      ? window.BarcodeDetector.getSupportedFormats()
      : Promise.resolve(["qr_code"]);
    return formats.then(
      function (supported) {
        return supported.indexOf("qr_code") !== -1;
      },
      function () {
        return false;
      }
    );
  }

  function attach(button, panel, status, onCode) {
    var video = panel.querySelector("video");
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    var startLabel = button.textContent;
    var stream = null;
    var timer = null;

    function say(text) {
      if (status) {
        status.textContent = text;
      }
    }

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
            stop();
            onCode(codes[0].rawValue);
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
          say("");
          return video.play().then(look);
        })
        .catch(function () {
          stop();
          say(button.dataset.errorLabel || "");
        });
    });
    button.hidden = false;
  }

  window.tongbanQrScan = { available: available, attach: attach };
})();
