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
  // Called by record_status.js for the keys it keeps from the notebook (all of these).
  article.__slKeydown = (event) => {
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
  };
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

// -- order: drag to reorder with the mouse, Move up / Move down buttons for the keyboard -----
// The focus follows the moved item (its same button, or the other one at the list's end).
// An empty value means "not ordered yet": the starting order (spec.items) is no answer.
function renderOrder(model, root) {
  const spec = model.get("spec");
  const labels = new Map(spec.items);
  const start = spec.items.map(([id]) => id);
  const state = el("p", { class: "sl-order-state" });
  const list = el("ol", { class: "sl-order", "aria-label": spec.title });
  const rows = new Map(); // item id -> {li, up, down, position}
  let order = [...start];
  let dragged = null;
  for (const id of start) {
    const label = labels.get(id);
    const up = el("button", { type: "button", "aria-label": `Move up: ${label}`, text: "Move up" });
    const down = el("button", {
      type: "button",
      "aria-label": `Move down: ${label}`,
      text: "Move down",
    });
    const position = el("span", { class: "sl-order-position" });
    const li = el(
      "li",
      { class: "sl-order-row", draggable: "true" },
      el("span", { class: "sl-grip", "aria-hidden": "true", text: "⠿" }),
      position,
      el("span", { class: "sl-order-label", text: label }),
      up,
      down,
    );
    up.addEventListener("click", () => move(id, -1, up));
    down.addEventListener("click", () => move(id, +1, down));
    li.addEventListener("dragstart", (event) => {
      dragged = id;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", label);
      li.classList.add("sl-dragging");
    });
    li.addEventListener("dragend", () => {
      dragged = null;
      li.classList.remove("sl-dragging");
      for (const row of rows.values()) row.li.classList.remove("sl-drop-target");
    });
    li.addEventListener("dragover", (event) => {
      if (dragged === null) return;
      event.preventDefault();
      li.classList.add("sl-drop-target");
    });
    li.addEventListener("dragleave", () => li.classList.remove("sl-drop-target"));
    li.addEventListener("drop", (event) => {
      event.preventDefault();
      if (dragged === null || dragged === id) return;
      const next = order.filter((x) => x !== dragged);
      next.splice(order.indexOf(id), 0, dragged);
      commit(next, rows.get(dragged).li);
    });
    rows.set(id, { li, up, down, position });
  }
  const confirm = el("button", { type: "button", class: "sl-confirm", text: "This order is my answer" });
  confirm.addEventListener("click", () => commit([...order], confirm));

  function draw(touched) {
    order.forEach((id, i) => {
      const row = rows.get(id);
      row.position.textContent = `${i + 1}.`;
      row.up.disabled = i === 0;
      row.down.disabled = i === order.length - 1;
      list.append(row.li); // moves the row to its place (the focus is set again after)
    });
    state.textContent = touched
      ? "Current order (your answer):"
      : "Current order (not yet answered: move items, or confirm the order):";
  }
  function commit(next, focus) {
    order = next;
    draw(true);
    focus?.focus();
    send(model, [...order]);
  }
  function move(id, step, button) {
    const at = order.indexOf(id);
    const to = at + step;
    if (to < 0 || to >= order.length) return;
    const next = [...order];
    [next[at], next[to]] = [next[to], next[at]];
    const row = rows.get(id);
    const same = step < 0 ? row.up : row.down;
    order = next;
    draw(true);
    (same.disabled ? (step < 0 ? row.down : row.up) : button).focus();
    send(model, [...order]);
  }
  const show = () => {
    const value = model.get("value") || [];
    const known = value.filter((id) => labels.has(id));
    order = [...known, ...start.filter((id) => !known.includes(id))];
    const focused = document.activeElement;
    draw(value.length > 0);
    if (focused && root.contains(focused)) focused.focus();
  };
  model.on("change:value", show);
  root.append(state, list, confirm);
  show();
}

// -- statuses: one labelled chooser per row, in a fieldset (provenance steps) --------------
function renderStatuses(model, root) {
  const spec = model.get("spec");
  const fieldset = el("fieldset", { class: "sl-choice" }, el("legend", { text: spec.legend }));
  const selects = new Map();
  for (const [id, label] of spec.rows) {
    const select = el("select", { "aria-label": `${label}:` });
    select.append(el("option", { value: "", text: "— choose —" }));
    for (const [key, text] of spec.options) select.append(el("option", { value: key, text }));
    selects.set(id, select);
    fieldset.append(el("label", { class: "sl-row" }, el("span", { text: label }), select));
  }
  fieldset.addEventListener("change", () => {
    const value = {};
    for (const [id, select] of selects) if (select.value) value[id] = select.value;
    send(model, value);
  });
  const show = () => {
    const value = model.get("value") || {};
    for (const [id, select] of selects) select.value = value[id] || "";
  };
  model.on("change:value", show);
  show();
  root.append(fieldset);
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
  order: renderOrder,
  statuses: renderStatuses,
  feedback: renderFeedback,
};

function render({ model, el: root }) {
  root.classList.add("sl-root");
  KINDS[model.get("kind")]?.(model, root);
}

export default { render };
