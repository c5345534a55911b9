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

function enhance(select) {
  const describedBy = select.getAttribute("aria-describedby");
  const hasError = Boolean(select.closest(".govuk-form-group--error"));
  const emptyOption = Array.from(select.options).find((option) => option.value === "");
  window.accessibleAutocomplete.enhanceSelectElement({
    selectElement: select,
    // An empty choice ("None", "Choose an action") shows as an empty box, not as text to delete.
    defaultValue: "",
    showAllValues: true,
    inputClasses: hasError ? "govuk-input--error" : null,
    tNoResults: () => "No match: try a number or other words",
  });
  const input = document.getElementById(select.id.replace(/-select$/, ""));
  if (!input) return;
  keepDescription(input, describedBy);
  // The library updates the select only when an option is confirmed. On sending, make the
  // select say exactly what the box says: cleared means the empty choice, and text that
  // matches no option sends nothing, so the server asks again rather than keep an old choice.
  select.form?.addEventListener("submit", () => {
    const text = input.value.trim();
    const match = Array.from(select.options).find((option) => option.value !== "" && optionText(option) === text);
    if (match) {
      match.selected = true;
    } else if (emptyOption) {
      emptyOption.selected = true;
    } else {
      select.selectedIndex = -1;
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
