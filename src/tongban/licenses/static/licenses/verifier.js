/*
 * tongban 通办 — verifier page: scan a licence QR code with the camera.
 *
 * Uses the browser's own BarcodeDetector (Chrome on Android, Edge, Safari 17+ with the flag …); no
 * library. Where it or the camera API is missing, the scan button stays hidden and the reader pastes
 * the code instead. The button (`data-scan`) names the textarea it fills (data-target, an id) and carries
 * its texts: data-stop-label, data-error-label. The camera view lives in [data-scan-panel], messages
 * go to [data-scan-status]. A scanned
 * value (the verifier link or a bare code) is put into the textarea and the form is submitted.
 * No inline handlers, no eval: the Content-Security-Policy allows scripts from 'self' only.
 */
(function () {
  "use strict";

  function setup(button) {
    var panel = document.querySelector("[data-scan-panel]");
    var field = document.getElementById(button.dataset.target || "");
    if (!panel || !field || !field.form) {
      return;
    }
    var video = panel.querySelector("video");
    var status = document.querySelector("[data-scan-status]");
    var startLabel = button.textContent;
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
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
            field.form.submit();
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

  function start() {
    var button = document.querySelector("[data-scan]");
    if (!button || !("BarcodeDetector" in window)) {
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
        if (supported.indexOf("qr_code") !== -1) {
          setup(button);
        }
      },
      function () {}
    );
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
