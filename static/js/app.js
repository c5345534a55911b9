// Loaded as a module after GOV.UK Frontend: no inline script anywhere, so the
// Content-Security-Policy can forbid it.
import { initAll } from "../build/govuk-frontend.min.js";
import { enhanceAutocompletes } from "./autocomplete.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
enhanceAutocompletes();

// After every in-place (htmx) change, focus goes somewhere sensible, so keyboard
// and screen-reader users are not dropped at the top of the page:
// 1. to what the answer marks with data-focus-after-swap (a "Saved" message, an
//    error summary, the moved part's button, the recommendation just changed);
// 2. otherwise, if the focused element was swapped away (a button that removed
//    its own row), to the new content's first heading, or the content itself.
// A finished import or pack (polled) marks its result data-focus-after-swap="if-idle":
// it takes focus only from nowhere or from inside the progress box, never from
// something the user is doing elsewhere on the page.
let focusWasInsideSwap = false;
let focusWasIdle = true;

document.body.addEventListener("htmx:beforeSwap", (event) => {
  const target = event.detail.target;
  const active = document.activeElement;
  focusWasIdle = !active || active === document.body;
  focusWasInsideSwap = Boolean(target && !focusWasIdle && target.contains(active));
});

document.body.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target;
  const swapped = target && target.isConnected ? target : document.getElementById(target?.id || "");
  const marked = (swapped || document).querySelector("[data-focus-after-swap]");
  if (marked) {
    const politely = marked.dataset.focusAfterSwap === "if-idle";
    if (!politely || focusWasIdle || focusWasInsideSwap) marked.focus();
    return;
  }
  const focusLost = !document.activeElement || document.activeElement === document.body;
  if (!focusWasInsideSwap || !focusLost || !swapped) return;
  const fallback = swapped.querySelector("h1, h2, h3, h4") || swapped;
  if (!fallback.hasAttribute("tabindex")) fallback.setAttribute("tabindex", "-1");
  fallback.focus();
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
