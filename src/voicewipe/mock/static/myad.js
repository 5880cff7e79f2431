// Manage Your Alexa Data: the retention choice (radio, Confirm, then a confirmation dialog)
// and the two toggles, each saved server-side at once.
(function () {
  "use strict";
  const cfg = JSON.parse(document.getElementById("apd-config").textContent);
  const N = cfg.names, L = cfg.labels;
  let csrf = document.querySelector('meta[name="csrf-token"]').content;
  const $ = (id) => document.getElementById(id);
  const dialog = $(N.retention_dialog);
  const saved = $("retention-saved-message");

  function post(path, body, again) {
    return fetch(path, {
      method: "POST",
      headers: { "content-type": "application/json", "anti-csrftoken-a2z": csrf },
      body: JSON.stringify(body),
      credentials: "same-origin",
    }).then((r) => {
      // A stale token (403): read a new one and go once more, as the real pages do.
      if (r.status === 403 && !again) {
        return fetch("/alexa-privacy/apd/csrf-token", { credentials: "same-origin" })
          .then((t) => (t.ok ? t.text() : Promise.reject(new Error("HTTP " + t.status))))
          .then((fresh) => { csrf = fresh.trim(); return post(path, body, true); });
      }
      if (r.status === 401) location.href = "/ap/signin?openid.return_to=" + encodeURIComponent(location.pathname);
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }

  function chosen() { return document.querySelector(`input[name="${N.retention_radio}"]:checked`); }

  $(N.retention_confirm).addEventListener("click", () => {
    const choice = chosen();
    if (!choice) return;
    dialog.querySelector(".apd-confirm-choice").textContent = L["retention_" + choice.value];
    dialog.querySelector(".apd-confirm-body").textContent = L["retention_dialog_" + choice.value];
    saved.hidden = true;
    dialog.hidden = false;
  });
  $(N.retention_dialog_cancel).addEventListener("click", () => { dialog.hidden = true; });
  $(N.retention_dialog_confirm).addEventListener("click", () => {
    const choice = chosen();
    dialog.hidden = true;
    post("/alexa-privacy/apd/myad/retention", { retention: choice.value })
      .then(() => { saved.textContent = L.retention_saved; saved.classList.remove("a-alert-error"); saved.hidden = false; })
      .catch(() => { saved.textContent = L.delete_failed; saved.classList.add("a-alert-error"); saved.hidden = false; });
  });

  for (const input of document.querySelectorAll("input.apd-switch")) {
    input.addEventListener("change", () => {
      const state = input.parentElement.querySelector(".apd-switch-state");
      const value = input.checked;
      input.disabled = true;
      post("/alexa-privacy/apd/myad/settings", { [input.dataset.setting]: value })
        .then((s) => {
          input.checked = s[input.dataset.setting];
          state.textContent = (input.checked ? L.toggle_on : L.toggle_off) + " · " + L.toggle_saved;
        })
        .catch(() => { input.checked = !value; state.textContent = L.delete_failed; })
        .finally(() => { input.disabled = false; });
    });
  }
})();
