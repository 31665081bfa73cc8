// The browser side of "Export my answers" (course/widgets/progress.py): Python sends the file's
// text in a custom message and this module hands it to the browser as a download (a Blob, so
// nothing travels over the network: it works the same in JupyterLite and JupyterLab). It also
// shows Python's last status sentence in a live region, read out by screen readers.
//
// No key handling: Enter on a focused button clicks it and runs no notebook command
// (measured in JupyterLab 4.6, tests/browser/test_export_answers.py).

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
}

function render({ model, el }) {
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
