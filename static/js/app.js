// Small progressive enhancements; the CSP forbids inline script, so behaviour lives here.
(function () {
  "use strict";

  // Plain (non-htmx) forms marked data-confirm ask before they submit.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // Elements marked data-show-when="fieldName=value[,value]" appear only while that field matches.
  function refreshConditional(root) {
    var scope = root || document;
    scope.querySelectorAll("[data-show-when]").forEach(function (el) {
      var rule = el.getAttribute("data-show-when").split("=");
      var form = el.closest("form") || document;
      var field = form.querySelector("[name='" + rule[0] + "']:checked") ||
                  form.querySelector("select[name='" + rule[0] + "']") ||
                  form.querySelector("input[type=checkbox][name='" + rule[0] + "']");
      var value = "";
      if (field) {
        value = field.type === "checkbox" ? (field.checked ? "on" : "off") : field.value;
      }
      el.hidden = rule[1].split(",").indexOf(value) === -1;
    });
  }
  document.addEventListener("change", function () { refreshConditional(); });
  document.addEventListener("DOMContentLoaded", function () { refreshConditional(); });
  document.addEventListener("htmx:afterSettle", function (event) { refreshConditional(event.target); });

  // htmx swaps nothing for an error answer (an expired form, a server error): say what
  // happened instead of leaving a click that seems to do nothing.
  function showRequestError(text) {
    var banner = document.getElementById("request-error");
    if (!banner) { return; }
    banner.textContent = text;
    banner.hidden = false;
  }
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    showRequestError(xhr.getResponseHeader("X-Error-Message") ||
      "Something went wrong (" + xhr.status + "). Reload the page and try again.");
  });
  document.addEventListener("htmx:sendError", function () {
    showRequestError("Joor Sync could not be reached. Check your connection and try again.");
  });
  // The next thing the merchant does that works clears it (the panel's polling does not).
  var USER_EVENTS = ["submit", "click", "change", "input", "keyup"];
  document.addEventListener("htmx:afterRequest", function (event) {
    var banner = document.getElementById("request-error");
    var config = event.detail.requestConfig || {};
    var trigger = config.triggeringEvent;
    if (banner && event.detail.successful && trigger && USER_EVENTS.indexOf(trigger.type) !== -1) {
      banner.hidden = true;
    }
  });
})();
