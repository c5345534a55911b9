// Long pickers (link an action, an action's objective or responsible person) become a
// searchable box: GOV.UK's accessible-autocomplete over the server-rendered <select>
// (boards.govuk_fields.autocomplete_select marks them). Without JavaScript the select stays
// and works. The library and its styles load only on pages that have such a picker.

const SELECTOR = 'select[data-module="app-autocomplete"]';
const BUILD = new URL("../build/", import.meta.url);

function load(tag, attributes) {
  return new Promise((resolve, reject) => {
    const element = Object.assign(document.createElement(tag), attributes);
    element.addEventListener("load", resolve);
    element.addEventListener("error", reject);
    document.head.append(element);
  });
}

function optionText(option) {
  return (option.textContent || "").trim();
}

// The select's hint and error message describe the box too. The library sets the input's
// aria-describedby itself (to its own usage hint) as the user types, so add ours back after it.
function keepDescription(input, ids) {
  if (!ids) return;
  const add = () => {
    const current = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    const wanted = [...new Set([...current, ...ids.split(" ")])].join(" ");
    if (wanted !== current.join(" ")) input.setAttribute("aria-describedby", wanted);
  };
  add();
  new MutationObserver(add).observe(input, { attributes: true, attributeFilter: ["aria-describedby"] });
}

// What the server answers for text that matches no choice (a ModelChoiceField's invalid_choice).
const UNMATCHED = "unmatched";

function enhance(select) {
  const describedBy = select.getAttribute("aria-describedby");
  const hasError = Boolean(select.closest(".govuk-form-group--error"));
  const emptyOption = Array.from(select.options).find((option) => option.value === "");
  window.accessibleAutocomplete.enhanceSelectElement({
    selectElement: select,
    // An empty choice shows as an empty box, not as text to delete.
    defaultValue: "",
    // An optional picker offers its "None" in the list too; a required one's "Choose …" is no choice.
    preserveNullOptions: Boolean(emptyOption && optionText(emptyOption) === "None"),
    // Without autoselect, leaving the box keeps what was typed: a cleared box stays cleared
    // rather than taking back the first option.
    autoselect: false,
    showAllValues: true,
    inputClasses: hasError ? "govuk-input--error" : null,
    tNoResults: () => "No match: try a number or other words",
  });
  const input = document.getElementById(select.id.replace(/-select$/, ""));
  if (!input) return;
  keepDescription(input, describedBy);
  // The library updates the select only when an option is confirmed. On sending, make the
  // select say exactly what the box says: a cleared box (or "None") is the empty choice, and
  // text that matches no option is sent as such, so the server says "Choose … from the list"
  // rather than keep an earlier choice or quietly save none.
  select.form?.addEventListener("submit", () => {
    const text = input.value.trim();
    const match = Array.from(select.options).find((option) => optionText(option) === text);
    if (match && (match.value !== "" || text === "None")) {
      match.selected = true;
    } else if (text === "" && emptyOption) {
      emptyOption.selected = true;
    } else {
      const unmatched = new Option(text, UNMATCHED, true, true);
      unmatched.hidden = true;
      select.append(unmatched);
    }
  });
}

export async function enhanceAutocompletes(root = document) {
  const selects = Array.from(root.querySelectorAll(SELECTOR));
  if (!selects.length) return;
  if (!window.accessibleAutocomplete) {
    await Promise.all([
      load("link", { rel: "stylesheet", href: new URL("accessible-autocomplete.min.css", BUILD).href }),
      load("link", { rel: "stylesheet", href: new URL("../css/autocomplete.css", import.meta.url).href }),
      load("script", { src: new URL("accessible-autocomplete.min.js", BUILD).href }),
    ]);
  }
  selects.forEach(enhance);
}
