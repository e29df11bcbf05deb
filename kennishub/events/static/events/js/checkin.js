// Check-in that survives a flaky connection: every tap is first stored on the phone (localStorage)
// with the time of the tap, then sent; what could not be sent is retried until the server has it.
// The server's check-in is idempotent, so sending twice is harmless. Without JavaScript the forms
// post normally.
(function () {
  "use strict";
  var KEY = "kh-checkin-queue";
  var status = document.getElementById("checkin-status");
  var list = document.getElementById("checkin-list");
  var search = document.getElementById("checkin-search");
  if (!status || !list) return;

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function save(queue) { localStorage.setItem(KEY, JSON.stringify(queue)); }
  function say(text) { status.textContent = text; }

  function markDone(url) {
    var form = list.querySelector('form[action="' + url + '"]');
    if (!form) return;
    var done = document.createElement("span");
    done.className = "kh-checkin-list__done";
    done.textContent = status.dataset.done;
    form.replaceWith(done);
  }

  var sending = false;
  function flush() {
    var queue = load();
    if (sending || !queue.length) return;
    sending = true;
    var item = queue[0];
    var body = new URLSearchParams({ csrfmiddlewaretoken: item.csrf, at: item.at });
    fetch(item.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      if (response.status >= 500) throw new Error("server");
      return response.json().then(function (data) {
        save(load().filter(function (other) { return other.url !== item.url; }));
        say(data.ok ? status.dataset.sent : data.message);
      });
    }).catch(function () {
      say(status.dataset.pending + " " + load().length);
    }).finally(function () {
      sending = false;
      if (load().length && navigator.onLine !== false) setTimeout(flush, 500);
    });
  }

  list.addEventListener("submit", function (event) {
    var form = event.target.closest(".kh-checkin-form");
    if (!form) return;
    event.preventDefault();
    var queue = load();
    var url = form.getAttribute("action");
    if (!queue.some(function (item) { return item.url === url; })) {
      queue.push({ url: url, at: new Date().toISOString(), csrf: form.querySelector("[name=csrfmiddlewaretoken]").value });
      save(queue);
    }
    markDone(url);
    say(status.dataset.queued);
    flush();
  });

  if (search) {
    search.addEventListener("input", function () {
      var term = search.value.trim().toLowerCase();
      list.querySelectorAll(".kh-checkin-list__item[data-name]").forEach(function (item) {
        item.hidden = term !== "" && item.dataset.name.indexOf(term) === -1;
      });
    });
  }

  load().forEach(function (item) { markDone(item.url); });
  window.addEventListener("online", flush);
  setInterval(flush, 10000);
  flush();
})();
