// The JOOR panel's behaviour beyond app.js; the CSP forbids inline script, so it lives here.
(function () {
  "use strict";

  // A swapped-in settings form must show and hide its conditional fields at once: app.js
  // refreshes them on "change", so announce one after every htmx settle.
  document.addEventListener("htmx:afterSettle", function () {
    document.dispatchEvent(new Event("change"));
  });
})();
