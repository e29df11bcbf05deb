/*
 * Kennishub runs Wagtail's admin under a Content-Security-Policy without 'unsafe-inline' scripts.
 * Wagtail starts its date/time choosers, inline panels and chooser widgets (documents, pages,
 * snippets, images, tasks) with small inline scripts; our template overrides
 * (core/templates/wagtailadmin/) and core/admin_choosers.py put their arguments in data attributes
 * instead, and this file makes the same calls. It is loaded on every admin page and again by
 * some widgets; it runs at load and whenever the admin adds a form (an inline panel's "add"), and
 * skips what it already started.
 */
(function () {
  "use strict";
  if (window.khAdminCsp) {
    window.khAdminCsp.start();
    return;
  }
  var choosers = { date: "initDateChooser", datetime: "initDateTimeChooser", time: "initTimeChooser" };

  function start() {
    document.querySelectorAll("[data-kh-chooser]:not([data-kh-started])").forEach(function (el) {
      var init = window[choosers[el.dataset.khChooser]];
      if (typeof init !== "function") return;
      el.dataset.khStarted = "true";
      init(el.dataset.khTarget, JSON.parse(el.dataset.khConfig));
    });
    document.querySelectorAll("[data-kh-panel]:not([data-kh-started])").forEach(function (el) {
      var Panel = window[el.dataset.khPanel];
      if (typeof Panel !== "function") return;
      el.dataset.khStarted = "true";
      new Panel(JSON.parse(el.dataset.khOptions));
    });
    // Chooser widgets: new DocumentChooser(id, options), createTaskChooser(id), ...
    document.querySelectorAll("[data-kh-start]:not([data-kh-started])").forEach(function (el) {
      if (el.closest("template")) return; // an inline panel's empty form, not yet in use
      var fn = window[el.dataset.khFunction];
      var args = JSON.parse(el.dataset.khArgs);
      if (typeof fn !== "function" || !document.getElementById(args[0])) return;
      el.dataset.khStarted = "true";
      if (el.dataset.khStart === "new") {
        new (Function.prototype.bind.apply(fn, [null].concat(args)))();
      } else {
        fn.apply(null, args);
      }
    });
  }

  window.khAdminCsp = { start: start };
  start();
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  }
  window.addEventListener("load", start);
  new MutationObserver(function (mutations) {
    for (var i = 0; i < mutations.length; i++) {
      if (mutations[i].addedNodes.length) {
        start();
        return;
      }
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
