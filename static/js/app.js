// Loaded as a module after GOV.UK Frontend: no inline script anywhere, so the
// Content-Security-Policy can forbid it.
import { initAll } from "../build/govuk-frontend.min.js";
import { enhanceAutocompletes } from "./autocomplete.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
enhanceAutocompletes();

// htmx swaps a "My actions" row in place: move focus to what changed (the saved
// message or the error summary) so keyboard and screen-reader users hear it.
document.body.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target;
  const row = target && target.isConnected ? target : document.getElementById(target?.id || "");
  const scope = row || document;
  const focusable = scope.querySelector("[data-focus-after-swap]");
  if (focusable) focusable.focus();
});

// A refused request (403 after a role was removed, 500) is not swapped by htmx:
// say so in the row instead of failing silently.
document.body.addEventListener("htmx:responseError", (event) => {
  const form = event.detail.elt.closest("form");
  if (!form) return;
  let notice = form.querySelector(".app-request-failed");
  if (!notice) {
    notice = document.createElement("p");
    notice.className = "govuk-error-message app-request-failed";
    notice.setAttribute("role", "alert");
    form.prepend(notice);
  }
  notice.textContent =
    event.detail.xhr.status === 403
      ? "You can no longer update this action. Reload the page to see why."
      : "Your update could not be saved. Try again, or reload the page.";
});
