/*
 * Kennishub runs Wagtail's admin under a Content-Security-Policy without 'unsafe-inline' scripts.
 * Wagtail starts its date/time choosers and inline panels with small inline scripts; our template
 * overrides (core/templates/wagtailadmin/) put their arguments in data attributes instead and load
 * this file, which makes the same calls. It runs once per include and skips what it already did.
 */
(function () {
  "use strict";
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
  }

  start();
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  }
})();
