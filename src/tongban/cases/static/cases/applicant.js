/*
 * tongban 通办 — the applicant's case pages. Progressive enhancement only: every form works without it.
 *
 * Submit once: a form with `data-submit-once` ignores a second submit while the first is on its way
 *   (the server also answers a repeated application with the same case, through its idempotency key).
 *   Buttons are not disabled: a disabled button would not send its name (保存草稿 / 提交申请).
 * Consent: a checkbox with `data-consent="<id>"` opens the <details> with that id ("upload it yourself
 *   instead") when it is unticked, so the file input is at hand.
 * No inline handlers, no eval: the Content-Security-Policy allows scripts from 'self' only.
 */
(function () {
  "use strict";

  function submitOnce(form) {
    var sending = false;
    form.addEventListener("submit", function (event) {
      if (sending) {
        event.preventDefault();
        return;
      }
      sending = true;
      form.setAttribute("aria-busy", "true");
      // A page restored from the back/forward cache may submit again.
      window.addEventListener("pageshow", function () {
        sending = false;
        form.removeAttribute("aria-busy");
      });
    });
  }

  function consent(box) {
    var target = document.getElementById(box.dataset.consent);
    if (!target) {
      return;
    }
    box.addEventListener("change", function () {
      if (!box.checked) {
        target.open = true;
      }
    });
  }

  function start() {
    document.querySelectorAll("form[data-submit-once]").forEach(submitOnce);
    document.querySelectorAll("input[data-consent]").forEach(consent);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
