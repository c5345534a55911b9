// Loaded as a module after GOV.UK Frontend: no inline script anywhere, so the
// Content-Security-Policy can forbid it.
import { initAll } from "../build/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
