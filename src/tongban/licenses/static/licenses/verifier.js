/*
 * tongban 通办 — verifier page: scan a licence QR code with the camera (licenses/qr-scan.js).
 *
 * Where the browser's BarcodeDetector or the camera API is missing, the scan button stays hidden and the
 * reader pastes the code instead. The button (`data-scan`) names the textarea it fills (data-target, an
 * id) and carries its texts: data-stop-label, data-error-label. The camera view lives in
 * [data-scan-panel], messages go to [data-scan-status]. A scanned value (the verifier link or a bare code)
 * is put into the textarea and the form is submitted.
 * No inline handlers, no eval: the Content-Security-Policy allows scripts from 'self' only.
 */
(function () {
  "use strict";

  function start() {
    var button = document.querySelector("[data-scan]");
    var panel = document.querySelector("[data-scan-panel]");
    var field = button ? document.getElementById(button.dataset.target || "") : null;
    var scan = window.tongbanQrScan;
    if (!button || !panel || !field || !field.form || !scan) {
      return;
    }
    scan.available().then(function (ok) {
      if (ok) {
        scan.attach(button, panel, document.querySelector("[data-scan-status]"), function (code) {
          field.value = code;
          field.form.submit();
        });
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
