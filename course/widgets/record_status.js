// Sourcing Lab: the status line under an item, and the item's answer in the browser page.
//
// What it does, and why it runs in the browser (Python cannot see any of this):
// - It says plainly when the page has lost its link to the running cells (the page was
//   reloaded or opened again, so Python can no longer update the answer line under the widget)
//   or to Python itself (restarted or stopped); with no link to Python it refuses changes
//   visibly and never says "Answer recorded".
// - It keeps the newest record of every answer in the notebook's metadata ("sourcing_lab"),
//   written when an answer given on this page comes back from Python and again just before
//   every save, so the saved .ipynb holds the answers even when the outputs are stale. After an
//   answer given here comes back, it saves the notebook (again, if a save started before the
//   answer came back). File > Download waits for that save. Saves never overlap.
// - Keys an item's controls use (arrows, letters, digits, Space, Enter) never reach
//   JupyterLab's notebook shortcuts, which would otherwise move to another cell or run a
//   command (B inserts a cell, X cuts one) while a dropdown or radio has the focus in command
//   mode. Ctrl/Cmd combinations, Escape, Tab and Shift+Enter still reach them.
// - In a text box inside an item, Escape leaves the box and Ctrl+S saves. A written answer is
//   sent to Python when typing pauses, when the box loses focus and before every save.
// It reaches the notebook through ipywidgets' widget manager (`widget_manager.context`, in
// JupyterLab and Notebook 7). Where that is missing, the status line and the warnings still
// work, and a reload asks for the cell to be run again.

const KEY = "sourcing_lab";
const ITEM = ".sourcing-lab-item";
const CONTROL = "select, option, input, textarea, button";
const NO_RECORD = "sourcing-lab-no-record"; // buttons that never change the answer (Check)
const RECORDS = "sourcing-lab-records-"; // + question id: a button that changes that answer
const ENDED = new Set(["restarting", "autorestarting", "dead"]);
const PAUSE_MS = 800; // a written answer is sent this long after the last key
const RECENT_MS = 3000; // a change made here is expected back from Python within this time

const shared = (globalThis.__sourcingLab ??= {
  page: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`,
  links: new WeakMap(), // document context -> NotebookLink
  views: new WeakMap(), // status element -> StatusView
  typing: new Map(), // textarea -> timer of its pending "change"
  stats: {
    saves: 0,
    savesBeforeAnswer: 0,
    queued: 0,
    refused: 0,
    downloads: 0,
    downloadsThatWaited: 0,
  },
  listening: false,
});

const isRecord = (r) => !!r && typeof r.sequence === "number" && typeof r.question_id === "string";
const keyOf = (r) => `${r.assignment_id}/${r.question_id}`;
const newer = (a, b) =>
  !isRecord(b) ||
  a.sequence > b.sequence ||
  (a.sequence === b.sequence && a.recorded_at > b.recorded_at);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// -- the notebook document: records in its metadata, saves, download ------------------------
class NotebookLink {
  constructor(context) {
    this.context = context;
    this.records = new Map(); // "<assignment>/<question>" -> newest record seen on this page
    this.changed = new Map(); // same key -> when it was changed on this page, not yet back
    this.busy = queueSaves(context);
    this.changedDuringSave = false;
    context.saveState.connect((_sender, state) => this.onSaveState(state));
    // After File > Reload from Disk (or Revert) the loaded file may lack newer answers.
    context.fileChanged.connect(() => this.write() && this.save());
    const download = context.download.bind(context);
    context.download = async () => {
      shared.stats.downloads += 1;
      if (this.waiting() || this.busy()) shared.stats.downloadsThatWaited += 1;
      await this.settle();
      return download();
    };
  }

  note(record) {
    if (!isRecord(record) || !newer(record, this.records.get(keyOf(record)))) return false;
    this.records.set(keyOf(record), record);
    return true;
  }

  changedHere(key) {
    this.changed.set(key, Date.now());
  }

  waiting() {
    const since = Date.now() - RECENT_MS;
    return [...this.changed.values()].some((at) => at > since);
  }

  arrived(record) {
    if (!this.note(record)) return;
    if (this.changed.delete(keyOf(record))) {
      this.write();
      this.save();
    }
  }

  write() {
    const model = this.context.model;
    const section = model.getMetadata(KEY) || {};
    const answers = { ...(section.answers || {}) };
    let changed = false;
    for (const [key, record] of this.records) {
      if (newer(record, answers[key])) {
        answers[key] = record;
        changed = true;
      }
    }
    if (changed) {
      model.setMetadata(KEY, { ...section, answers });
      this.changedDuringSave ||= this.busy();
    }
    return changed;
  }

  save() {
    this.context.save().catch(() => {});
  }

  onSaveState(state) {
    if (state === "started") {
      // Runs as the save starts, before JupyterLab reads the notebook out.
      shared.stats.saves += 1;
      sendTyping();
      if (this.waiting()) shared.stats.savesBeforeAnswer += 1;
      this.changedDuringSave = false;
      this.write();
      this.changedDuringSave = false;
    } else if (this.changedDuringSave) {
      // JupyterLab marks the notebook saved at the end of a save, even if it changed while
      // the save ran: mark it unsaved again (closing the page then warns; the next save runs).
      this.changedDuringSave = false;
      this.context.model.dirty = true;
    }
  }

  async settle() {
    sendTyping();
    const until = Date.now() + RECENT_MS;
    while ((this.waiting() || this.busy()) && Date.now() < until) await sleep(50);
    if (this.write() || this.context.model.dirty) await this.context.save().catch(() => {});
  }
}

// One save at a time: a save asked for while another runs (Ctrl+S, autosave, the page's own)
// waits for it. JupyterLab 4.6 compares the file's hash before it writes, so two saves that
// overlap make the second one report "File Changed" although nobody else wrote the file.
function queueSaves(context) {
  const save = context.save.bind(context);
  let running = null;
  let next = null;
  context.save = () => {
    if (!running) {
      running = save().finally(() => {
        running = null;
      });
      return running;
    }
    if (!next) {
      shared.stats.queued += 1;
      next = running
        .catch(() => {})
        .then(() => {
          next = null;
          return context.save();
        });
    }
    return next;
  };
  return () => running !== null || next !== null;
}

function linkFor(model) {
  const context = model.widget_manager?.context;
  const usable =
    context?.model?.setMetadata && context.saveState && context.fileChanged && context.save;
  if (!usable) return null;
  if (!shared.links.has(context)) shared.links.set(context, new NotebookLink(context));
  return shared.links.get(context);
}

// -- the status line under one item ----------------------------------------------------------
class StatusView {
  constructor(model, el, link) {
    this.model = model;
    this.el = el;
    this.link = link;
    this.ended = false;
    el.classList.add("sourcing-lab-status");
    this.line = document.createElement("div");
    this.line.setAttribute("role", "status");
    this.line.setAttribute("aria-live", "polite");
    this.notice = document.createElement("div");
    this.notice.className = "sourcing-lab-notice";
    this.notice.setAttribute("role", "alert");
    el.append(this.line, this.notice);
    shared.views.set(el, this);
  }

  get key() {
    return `${this.model.get("assignment_id")}/${this.model.get("question_id")}`;
  }

  reloaded() {
    const page = this.model.get("page");
    return !!page && page !== shared.page;
  }

  show() {
    const texts = this.model.get("texts") || {};
    let notice = "";
    if (this.ended) notice = texts.not_connected;
    else if (this.reloaded()) notice = this.link ? texts.page_reopened : texts.page_reopened_unsaved;
    this.line.textContent = this.ended ? "" : this.model.get("value");
    this.line.hidden = this.ended;
    this.notice.textContent = notice || "";
    this.notice.hidden = !notice;
    this.el.closest(ITEM)?.classList.toggle("sourcing-lab-offline", this.ended);
  }

  end() {
    if (this.ended) return;
    this.ended = true;
    this.show();
  }

  refuse() {
    shared.stats.refused += 1;
    const text = this.notice.textContent;
    this.notice.classList.remove("sourcing-lab-refused");
    this.notice.textContent = "";
    requestAnimationFrame(() => {
      this.notice.textContent = text; // said again, so a screen reader announces it again
      this.notice.classList.add("sourcing-lab-refused");
    });
  }

  changedHere() {
    this.link?.changedHere(this.key);
  }

  saveNow() {
    sendTyping();
    this.link?.save();
  }
}

// Ends the view when Python can no longer hear it: the widget's channel closed (a restart),
// the kernel restarting or dead, or another kernel chosen.
function watchKernel(model, view) {
  const manager = model.widget_manager;
  const session = manager?.context?.sessionContext;
  const onStatus = (_sender, status) => ENDED.has(status) && view.end();
  const onKernel = () => view.end();
  session?.statusChanged?.connect(onStatus);
  session?.kernelChanged?.connect(onKernel);
  if (ENDED.has(session?.session?.kernel?.status)) view.end();
  let widget = null;
  const check = () => widget && !widget.comm_live && view.end();
  const find = () => {
    const ref = model.get("ref");
    if (!ref || !manager?.get_model) return;
    Promise.resolve(manager.get_model(ref))
      .then((found) => {
        widget = found;
        check();
      })
      .catch(() => {});
  };
  model.on("change:ref", find);
  model.on("comm_live_update", check);
  find();
  return () => {
    session?.statusChanged?.disconnect(onStatus);
    session?.kernelChanged?.disconnect(onKernel);
  };
}

// -- page-wide listeners (capture phase, before the controls' own handlers) ------------------
const isSave = (e) => (e.ctrlKey || e.metaKey) && !e.altKey && e.key?.toLowerCase() === "s";
const isTextBox = (t) => t.matches?.("textarea, input[type=text], input:not([type])");

function viewFor(target) {
  const status = target?.closest?.(ITEM)?.querySelector(".sourcing-lab-status");
  return status ? shared.views.get(status) : undefined;
}

function sendTyping(box) {
  const boxes = box ? [box] : [...shared.typing.keys()];
  for (const each of boxes) {
    clearTimeout(shared.typing.get(each));
    shared.typing.delete(each);
    each.dispatchEvent(new Event("change", { bubbles: true }));
  }
}

function textKeys(event, view) {
  if (event.key === "Escape") {
    event.preventDefault();
    event.stopImmediatePropagation();
    sendTyping();
    event.target.blur();
    event.target.closest(".jp-Notebook")?.focus();
    return true;
  }
  if (isSave(event) && view.link) {
    event.preventDefault();
    event.stopImmediatePropagation();
    view.saveNow();
    return true;
  }
  return false;
}

// With no link to Python, a change is refused. A text box may still take the focus (so keys
// typed next go to it and are refused there, never to the notebook's command mode); another
// control refused on mousedown gets the focus itself, for the same reason.
function refuse(event, view) {
  const control = event.target.closest?.(CONTROL);
  if (!control) return;
  if (event.type === "keydown") {
    const harmless = ["Tab", "Escape", "Shift", "Control", "Alt", "Meta"].includes(event.key);
    if (harmless || isSave(event)) return;
  } else if (isTextBox(control) && ["mousedown", "click"].includes(event.type)) {
    return;
  }
  event.preventDefault();
  event.stopImmediatePropagation();
  if (event.type === "mousedown") (control.closest("select") || control).focus();
  view.refuse();
}

// Keyboard containment. JupyterLab 4 matches shortcuts on keydown in the bubbling phase at
// the document, Notebook 7 in the capture phase (before any element below it hears the key),
// so the only place that comes first in both is the window's capture phase. There a key an
// item's control uses is stopped; its default action (a select or radio changing, a button
// clicking) still happens, and the item's own key handler (``el.__slKeydown``, set by
// items.js) is called here, since the key no longer reaches it.
const passes = (e) =>
  e.ctrlKey || e.metaKey || ["Escape", "Tab"].includes(e.key) || (e.key === "Enter" && e.shiftKey);

function onKeydown(event) {
  const target = event.target;
  const item = target?.closest?.(ITEM);
  if (!item) return;
  onEvent(event); // keys in a text box; a change refused while Python is gone
  if (event.defaultPrevented || isTextBox(target)) return; // text boxes: the notebook ignores
  if (passes(event)) {
    if (event.key === "Escape") leave(target);
    return;
  }
  event.stopPropagation();
  for (let node = target; node && node !== item; node = node.parentElement) {
    node.__slKeydown?.(event);
  }
}

// Escape on a control gives the focus back to the notebook (command mode), so the notebook's
// single-key shortcuts work again.
function leave(control) {
  const notebook = control.closest?.(".jp-Notebook");
  if (!notebook || !control.matches?.(CONTROL)) return;
  control.blur();
  notebook.focus();
}

function onEvent(event) {
  const view = viewFor(event.target);
  if (!view) return;
  if (event.type === "keydown" && isTextBox(event.target) && textKeys(event, view)) return;
  if (view.ended) {
    refuse(event, view);
    return;
  }
  const target = event.target;
  if (event.type === "input" && target.matches?.("textarea")) {
    view.changedHere();
    clearTimeout(shared.typing.get(target));
    shared.typing.set(
      target,
      setTimeout(() => sendTyping(target), PAUSE_MS),
    );
  } else if (event.type === "change") {
    if (target.matches?.("textarea")) shared.typing.delete(target);
    view.changedHere();
  } else if (event.type === "click" && target.closest?.(`button:not(.${NO_RECORD})`)) {
    // A button may change another question's answer (the desk's "Cite for claim N").
    const other = [...target.closest("button").classList].find((c) => c.startsWith(RECORDS));
    if (other) view.link?.changedHere(`${view.model.get("assignment_id")}/${other.slice(RECORDS.length)}`);
    else view.changedHere();
  }
}

function listen() {
  if (shared.listening) return;
  shared.listening = true;
  for (const type of ["mousedown", "click", "beforeinput", "paste", "drop"]) {
    document.addEventListener(type, onEvent, { capture: true });
  }
  window.addEventListener("keydown", onKeydown, { capture: true });
  document.addEventListener("input", onEvent, { capture: true });
  document.addEventListener("change", onEvent, { capture: true });
  window.addEventListener("pagehide", () => sendTyping());
}

// -- anywidget entry points -------------------------------------------------------------------
function initialize({ model }) {
  // Runs on every page connected to the kernel, also one that shows no view of this item.
  const link = linkFor(model);
  if (!link) return undefined;
  if (link.note(model.get("record"))) link.write();
  model.on("change:record", () => link.arrived(model.get("record")));
  return undefined;
}

function render({ model, el }) {
  listen();
  const view = new StatusView(model, el, linkFor(model));
  const stop = watchKernel(model, view);
  if (!view.ended && !model.get("page")) {
    model.set("page", shared.page); // this page ran the cell: it receives the answer line
    model.save_changes();
  }
  for (const name of ["value", "page", "texts"]) model.on(`change:${name}`, () => view.show());
  view.show();
  return () => {
    stop();
    shared.views.delete(el);
  };
}

export default { initialize, render };
