/*
 * FAQ-first on the request form: while the citizen types the subject, show the FAQ answers that match
 * (GET /api/v1/faq?item=&q=). Progressive enhancement only: without script, the form's next step shows
 * the same answers from the server. Text is set with textContent, never as HTML.
 */
(function () {
  "use strict";
  var form = document.querySelector("[data-faq-url]");
  if (!form) { return; }
  var question = form.querySelector("[data-faq-question]");
  var item = form.querySelector("[data-faq-item]");
  var box = form.querySelector("[data-faq-suggestions]");
  var list = form.querySelector("[data-faq-list]");
  var kind = form.querySelector("select[name=kind]");
  if (!question || !box || !list) { return; }
  var timer = null;
  var last = "";

  function render(answers) {
    list.replaceChildren();
    answers.forEach(function (a) {
      var li = document.createElement("li");
      var q = document.createElement("strong");
      q.textContent = a.question;
      var p = document.createElement("p");
      p.textContent = a.answer;
      li.append(q, p);
      list.append(li);
    });
    box.hidden = answers.length === 0;
  }

  function lookup() {
    var text = question.value.trim();
    var code = item ? item.value.trim() : "";
    var key = code + "|" + text;
    if (key === last) { return; }
    last = key;
    if (text.length < 2 || (kind && kind.value !== "consultation")) { render([]); return; }
    var url = form.getAttribute("data-faq-url") + "?limit=3&q=" + encodeURIComponent(text) +
      "&item=" + encodeURIComponent(code);
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(render)
      .catch(function () { render([]); });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(lookup, 400);
  }
  question.addEventListener("input", later);
  if (item) { item.addEventListener("change", later); }
  if (kind) { kind.addEventListener("change", later); }
}());
