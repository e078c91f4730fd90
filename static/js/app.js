// Small behaviours, loaded as a file (CSP forbids inline scripts). Pages work without it.
(function () {
  "use strict";
  // Buttons and links with data-confirm ask before acting.
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-confirm]");
    if (target && !window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  // Filter forms with data-autosubmit submit when a select changes.
  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-autosubmit]");
    if (form && event.target.tagName === "SELECT") {
      form.requestSubmit ? form.requestSubmit() : form.submit();
    }
  });
  // After a refused form, focus goes to the error summary so that it is read out first.
  var summary = document.querySelector(".form-errors[tabindex], .notice--warn[tabindex]");
  if (summary) { summary.focus(); }
  // Close the user menu with Escape, returning focus to it.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.user-menu[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
    });
  });
  // A form with data-period shows only the fields of the chosen period (fields say data-periods="month year").
  function showPeriodFields(form) {
    var kind = form.querySelector("[name=period]");
    if (!kind) return;
    form.querySelectorAll("[data-periods]").forEach(function (input) {
      var group = input.closest(".field") || input.parentElement;
      group.hidden = input.getAttribute("data-periods").split(" ").indexOf(kind.value) < 0;
    });
  }
  document.querySelectorAll("form[data-period]").forEach(showPeriodFields);
  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-period]");
    if (form && event.target.name === "period") showPeriodFields(form);
  });
  // Buttons with data-print print the page.
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
  // A passkey added (django-otp-webauthn's script): show it in the list, with the confirmation.
  document.addEventListener("otp_webauthn.register_complete", function () { window.location.reload(); });
})();
