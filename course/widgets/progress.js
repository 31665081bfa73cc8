// The browser side of "Export my answers" (course/widgets/progress.py): Python sends the file's
// text in a custom message and this module hands it to the browser as a download (a Blob, so
// nothing travels over the network: it works the same in JupyterLite and JupyterLab). It also
// shows Python's last status sentence in a live region, read out by screen readers.
//
// Keys: JupyterLab runs notebook commands for keys that reach the document (Enter would put
// the cell in edit mode, a letter insert a cell). The window's capture phase hears a key first
// (see record_status.js), so Enter and Space on these controls stop there; their default
// action (the button's click, the file chooser) still happens.

const PANEL = ".sourcing-lab-progress";

function keepKeys(event) {
  if (!event.target?.closest?.(PANEL)) return;
  if ((event.key === "Enter" && !event.shiftKey) || event.key === " ") event.stopPropagation();
}

function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.style.display = "none";
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  globalThis.__sourcingLabExports = (globalThis.__sourcingLabExports || 0) + 1;
}

function render({ model, el }) {
  if (!globalThis.__sourcingLabProgressKeys) {
    globalThis.__sourcingLabProgressKeys = true;
    window.addEventListener("keydown", keepKeys, true);
  }
  const line = document.createElement("p");
  line.className = "sl-progress-status";
  line.setAttribute("role", "status");
  line.setAttribute("aria-live", "polite");
  const show = () => {
    line.textContent = model.get("message");
  };
  show();
  model.on("change:message", show);
  model.on("msg:custom", (message) => {
    if (message?.type === "download") download(message.name, message.text);
  });
  el.appendChild(line);
}

export default { render };
