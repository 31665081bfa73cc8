// Sourcing Lab: the item controls and the feedback region (see item_body.py).
//
// Every control is a native element (fieldset/legend, radio, checkbox, select, button), so
// it has a role, a name and the browser's keyboard behaviour. The page-wide keyboard
// containment (keys an item uses never reach JupyterLab's notebook shortcuts) lives in
// record_status.js, next to the other page-wide listeners.

const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "text") node.textContent = value;
    else if (name === "class") node.className = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
};
const uid = (prefix) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;

function send(model, value) {
  model.set("value", value);
  model.save_changes();
}

// -- choice: a real radio group or checkbox group in a fieldset with a legend --------------
function renderChoice(model, root) {
  const spec = model.get("spec");
  const multiple = !!spec.multiple;
  const legendId = uid("sl-legend");
  const fieldset = el("fieldset", {
    class: "sl-choice",
    "aria-labelledby": [spec.prompt_id, legendId].filter(Boolean).join(" "),
  });
  fieldset.append(el("legend", { id: legendId, text: spec.legend }));
  const name = uid("sl-choice");
  const inputs = new Map();
  for (const [key, label] of spec.options) {
    const input = el("input", { type: multiple ? "checkbox" : "radio", name, value: key });
    inputs.set(key, input);
    fieldset.append(el("label", { class: "sl-option" }, input, el("span", { text: label })));
  }
  const read = () => {
    const on = [...inputs].filter(([, input]) => input.checked).map(([key]) => key);
    return multiple ? on : on[0] || "";
  };
  fieldset.addEventListener("change", () => send(model, read()));
  const show = () => {
    const value = model.get("value");
    const on = new Set(multiple ? value || [] : value ? [value] : []);
    for (const [key, input] of inputs) input.checked = on.has(key);
  };
  model.on("change:value", show);
  show();
  root.append(fieldset);
}

// -- span tagger: the article, each taggable part highlighted with its own chooser -----------
// Colour AND underline pattern AND the chosen label's text mark a part's type (never colour
// alone). Keys on a part's chooser: ArrowUp/ArrowDown or the first letter change the label,
// 1-9 pick the type with that number in the legend, ArrowLeft/ArrowRight go to the previous
// or next part; Escape gives the focus back to the notebook (record_status.js).
function renderSpanTagger(model, root) {
  const spec = model.get("spec");
  const types = spec.types; // [[key, label], ...] in legend order
  const typeOf = new Map(types.map(([key, label]) => [label, key]));
  const legend = el("ol", { class: "sl-legend", "aria-label": "Source types" });
  types.forEach(([, label], i) => {
    legend.append(
      el(
        "li",
        { class: "sl-legend-entry" },
        el("span", { class: `sl-part sl-tag-${i + 1}`, "aria-hidden": "true", text: "Abc" }),
        el("span", { text: ` ${i + 1}: ${label}` }),
      ),
    );
  });
  const count = el("p", { class: "sl-count" });
  const help = el("p", {
    class: "sl-help",
    text:
      "Each highlighted part has a chooser after it. Keys: Tab or ArrowLeft/ArrowRight go " +
      "from part to part; ArrowUp/ArrowDown, a type's number (1-5) or its first letter pick a " +
      "label; Escape leaves the article.",
  });
  const article = el("article", { class: "sl-article", "aria-label": spec.title || "Article" });
  const selects = new Map(); // part id -> select
  const marks = new Map(); // part id -> highlighted span
  for (const paragraph of spec.paragraphs) {
    const p = el("p");
    for (const piece of paragraph) {
      if (!piece.part) {
        p.append(piece.text);
        continue;
      }
      const select = el("select", { "aria-label": `Part ${piece.number}: source type` });
      select.append(el("option", { value: "", text: "— choose —" }));
      for (const [, label] of types) select.append(el("option", { value: label, text: label }));
      select.dataset.part = piece.part;
      const mark = el(
        "span",
        { class: "sl-part" },
        el("sup", { class: "sl-number", text: String(piece.number) }),
        el("span", { class: "sl-part-text", text: piece.text }),
      );
      selects.set(piece.part, select);
      marks.set(piece.part, mark);
      p.append(mark, " ", select, " ");
    }
    article.append(p);
  }
  const order = [...selects.values()];
  const read = () => {
    const value = {};
    for (const [part, select] of selects) if (select.value) value[part] = typeOf.get(select.value);
    return value;
  };
  const paint = () => {
    let done = 0;
    for (const [part, select] of selects) {
      const index = types.findIndex(([, label]) => label === select.value);
      marks.get(part).className = `sl-part${index >= 0 ? ` sl-tag-${index + 1}` : ""}`;
      select.classList.toggle("sl-chosen", index >= 0);
      done += index >= 0;
    }
    count.textContent = `${done} of ${selects.size} parts labelled.`;
  };
  article.addEventListener("change", () => {
    paint();
    send(model, read());
  });
  article.addEventListener("keydown", (event) => {
    const select = event.target;
    if (!(select instanceof HTMLSelectElement) || event.ctrlKey || event.metaKey || event.altKey)
      return;
    const at = order.indexOf(select);
    if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      event.preventDefault();
      order[at + (event.key === "ArrowLeft" ? -1 : 1)]?.focus();
    } else if (/^[1-9]$/.test(event.key) && Number(event.key) <= types.length) {
      event.preventDefault();
      select.value = types[Number(event.key) - 1][1];
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
  const show = () => {
    const value = model.get("value") || {};
    const labels = new Map(types);
    for (const [part, select] of selects) select.value = labels.get(value[part]) || "";
    paint();
  };
  model.on("change:value", show);
  show();
  root.append(el("div", { class: "sl-key" }, legend, count), help, article);
}

// -- claim verdicts: per claim a verdict chooser and the cited documents as removable chips --
function renderClaimVerdicts(model, root) {
  const spec = model.get("spec");
  const titles = new Map(spec.documents);
  const cards = new Map(); // claim id -> {verdict, chips, add, claim}
  for (const claim of spec.claims) {
    const headingId = uid("sl-claim");
    const card = el("section", { class: "sl-claim", "aria-labelledby": headingId });
    card.append(
      el("h4", { id: headingId, text: `Claim ${claim.number}: ${claim.label}` }),
      el("blockquote", { text: claim.quote }),
    );
    const verdict = el("select", { "aria-label": `Claim ${claim.number} verdict` });
    verdict.append(el("option", { value: "", text: "— choose —" }));
    for (const [key, label] of spec.verdicts) verdict.append(el("option", { value: key, text: label }));
    const chips = el("ul", { class: "sl-chips", "aria-label": `Claim ${claim.number} evidence` });
    const add = el("select", { "aria-label": `Add evidence for claim ${claim.number}` });
    add.append(el("option", { value: "", text: "Add a library document…" }));
    for (const [doc, label] of spec.documents) add.append(el("option", { value: doc, text: label }));
    card.append(
      el("label", { class: "sl-row" }, el("span", { text: "Verdict " }), verdict),
      el("p", { class: "sl-evidence-title", text: "Evidence (cite it from the source desk):" }),
      chips,
      add,
    );
    cards.set(claim.id, { claim, verdict, chips, add });
    root.append(card);
  }
  const value = () => structuredClone(model.get("value") || {});
  const put = (claimId, change) => {
    const all = value();
    const entry = { verdict: "", evidence: [], ...(all[claimId] || {}) };
    change(entry);
    if (entry.verdict || entry.evidence.length) all[claimId] = entry;
    else delete all[claimId];
    send(model, all);
  };
  for (const [claimId, card] of cards) {
    card.verdict.addEventListener("change", () =>
      put(claimId, (e) => {
        e.verdict = card.verdict.value;
      }),
    );
    card.add.addEventListener("change", () => {
      const doc = card.add.value;
      card.add.value = "";
      if (doc)
        put(claimId, (e) => {
          if (!e.evidence.includes(doc)) e.evidence.push(doc);
        });
    });
  }
  const show = () => {
    const all = model.get("value") || {};
    const focused = document.activeElement?.dataset?.slChip;
    for (const [claimId, card] of cards) {
      const entry = all[claimId] || {};
      card.verdict.value = entry.verdict || "";
      card.chips.replaceChildren();
      const evidence = entry.evidence || [];
      evidence.forEach((doc, i) => {
        const title = titles.get(doc) || doc;
        const remove = el("button", {
          type: "button",
          class: "sl-chip-remove",
          "aria-label": `Remove ${title} from claim ${card.claim.number}`,
          text: "Remove",
        });
        remove.dataset.slChip = `${claimId}/${i}`;
        remove.addEventListener("click", () => {
          // The focus goes to the next chip's button, or to the add chooser.
          const next = card.chips.querySelectorAll("button")[i + 1];
          (next || card.add).focus();
          put(claimId, (e) => {
            e.evidence = e.evidence.filter((d) => d !== doc);
          });
        });
        card.chips.append(el("li", { class: "sl-chip" }, el("span", { text: title }), remove));
      });
      if (!evidence.length)
        card.chips.append(el("li", { class: "sl-chip-none", text: "No document cited yet." }));
    }
    if (focused) root.querySelector(`[data-sl-chip="${focused}"]`)?.focus();
  };
  model.on("change:value", show);
  show();
}

// -- feedback: one persistent live region, updated in place ----------------------------------
function renderFeedback(model, root) {
  const region = el("div", { class: "sl-feedback", role: "status", "aria-live": "polite" });
  const show = () => {
    region.innerHTML = model.get("value"); // escaped by Python (render_result)
  };
  model.on("change:value", show);
  show();
  root.append(region);
}

const KINDS = {
  choice: renderChoice,
  span_tagger: renderSpanTagger,
  claim_verdicts: renderClaimVerdicts,
  feedback: renderFeedback,
};

function render({ model, el: root }) {
  root.classList.add("sl-root");
  KINDS[model.get("kind")]?.(model, root);
}

export default { render };
