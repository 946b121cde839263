// The exercise portal's form: keep each answer as it is typed (drafts survive a reload) and show
// the server's visible check under the box. Without this script the buttons still save and submit.
(function () {
  "use strict";
  var form = document.getElementById("form");
  if (!form) return;
  var token = form.querySelector("input[name=_xsrf]").value;
  var draftUrl = form.getAttribute("data-draft");
  var saved = document.getElementById("saved");
  var timers = {};

  function save(name, value) {
    var body = new URLSearchParams();
    body.set("_xsrf", token);
    body.set("_field", name);
    body.set("typed", value);
    return fetch(draftUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-XSRFToken": token },
      body: body,
    })
      .then(function (r) {
        // Refused (the deadline passed while the page was open): the page itself then says why.
        if (r.status === 403) { window.location.reload(); return null; }
        return r.ok ? r.json() : null;
      })
      .then(function (answer) {
        if (!answer) return;
        var p = document.getElementById("f-" + answer.field + "-p");
        if (p) p.textContent = answer.problem;
        var box = document.getElementById("f-" + answer.field);
        if (box) box.classList.toggle("bad", !!answer.problem);
        if (saved) saved.textContent = answer.saved;
      });
  }

  function changed(event) {
    var box = event.target;
    var name = box.getAttribute("data-field");
    if (!name) return;
    clearTimeout(timers[name]);
    timers[name] = setTimeout(function () { delete timers[name]; save(name, box.value); }, 400);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
})();
