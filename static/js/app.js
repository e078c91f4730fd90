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
  // Once something is typed into a form on the page, a job the page polls does not reload it when done
  // (victimsupport.views.jobs): it offers the result instead, so that nothing typed is lost.
  var typing = document.getElementById("page-typing");
  document.addEventListener("input", function (event) {
    if (typing && event.target.form && (event.target.form.method || "").toLowerCase() === "post") typing.value = "1";
  });
  // After a refused form, focus goes to the error summary so that it is read out first.
  var summary = document.querySelector(".form-errors[tabindex], .notice--warn[tabindex]");
  if (summary) { summary.focus(); }
  // Close the user menu and "More" with Escape, returning focus to them; a click elsewhere closes them too.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.user-menu[open], .nav-more details[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
    });
  });
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.user-menu[open], .nav-more details[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
  // On a phone the navigation folds behind its "Menu" button.
  var nav = document.getElementById("main-nav"), toggle = nav && nav.querySelector(".nav-toggle");
  if (toggle) {
    nav.classList.add("is-collapsible");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = nav.classList.toggle("is-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
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
  // A date field (dd.mm.yyyy typed) gets a button that opens the browser's own date picker; the date chosen
  // is written into the field as dd.mm.yyyy. Typing stays the first way: the field is not replaced.
  function isoOf(text) {
    var value = text.trim(), dotted = /^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$/.exec(value);
    if (dotted) {
      var year = dotted[3].length === 2 ? (Number(dotted[3]) < 69 ? "20" : "19") + dotted[3] : dotted[3];
      return year + "-" + ("0" + dotted[2]).slice(-2) + "-" + ("0" + dotted[1]).slice(-2);
    }
    return /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : "";
  }
  // Only where the browser can open its picker on request: elsewhere the field is typed, as before.
  var pickable = "showPicker" in HTMLInputElement.prototype ? document.querySelectorAll("input[data-datepicker]") : [];
  Array.prototype.forEach.call(pickable, function (text) {
    var wrap = document.createElement("span"), button = document.createElement("button");
    var picker = document.createElement("input");
    wrap.className = "date-field";
    button.type = "button";
    button.className = "date-field__button";
    var label = text.id && document.querySelector('label[for="' + text.id + '"]');
    var name = text.getAttribute("data-datepicker");
    button.setAttribute("aria-label", label ? name + ": " + label.textContent.replace("*", "").trim() : name);
    button.title = name;
    button.innerHTML = '<svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" focusable="false">' +
      '<rect x="2" y="4" width="16" height="14" rx="2" fill="none" stroke="currentColor" stroke-width="2"/>' +
      '<path d="M2 8h16M6 2v4M14 2v4" stroke="currentColor" stroke-width="2"/></svg>';
    picker.type = "date";
    picker.className = "date-field__picker";
    picker.tabIndex = -1;
    picker.setAttribute("aria-hidden", "true");
    text.parentNode.insertBefore(wrap, text);
    wrap.appendChild(text);
    wrap.appendChild(button);
    wrap.appendChild(picker);
    button.addEventListener("click", function () {
      picker.value = isoOf(text.value);
      try { picker.showPicker(); } catch (error) { text.focus(); }
    });
    picker.addEventListener("change", function () {
      var parts = picker.value.split("-");
      if (parts.length !== 3) return;
      text.value = parts[2] + "." + parts[1] + "." + parts[0];
      text.dispatchEvent(new Event("change", { bubbles: true }));
      text.focus();
    });
  });
  // Buttons with data-print print the page.
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
  // A passkey added (django-otp-webauthn's script): show it in the list, with the confirmation.
  document.addEventListener("otp_webauthn.register_complete", function () { window.location.reload(); });
})();
