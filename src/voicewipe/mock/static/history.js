// Review ... History: filters, lazy loading through customer-history-records-v2 (as the real
// page does), expand/play/per-entry delete, and the bulk delete behind a confirmation dialog.
// Class names and labels come from the page's config, so the drift variant needs no JS change.
(function () {
  "use strict";
  const cfg = JSON.parse(document.getElementById("apd-config").textContent);
  const N = cfg.names, L = cfg.labels;
  const RECORDS = cfg.feed; // the classic feed, or the Alexa+ one (rah) on the activity page
  const AUDIO = "/alexa-privacy/apd/rvh/audio";
  let csrf = document.querySelector('meta[name="csrf-token"]').content;
  const $ = (id) => document.getElementById(id);
  const list = $(N.list);
  const message = document.querySelector("." + N.message);
  const bar = $(N.filter_bar);
  const toggle = bar.querySelector("button");
  const menu = $(N.filter_menu);
  const custom = $(N.custom_range);
  const customError = custom.querySelector(".apd-custom-error");
  // dom "2025": the 2025 classes (styled date options, per-entry delete banners); wording: the
  // bulk button's ("classic" per period, "all_recordings", or "selected" with checkboxes).
  const dom2025 = cfg.dom === "2025", selecting = cfg.wording === "selected";
  const deleteAll = $(N.delete_all) || document.querySelector(".apd-delete-all-button");
  const selectAll = $("select-all-recordings");
  const dialog = $(N.dialog);
  const result = $(N.result);
  // The server's clock, so that a mock with a fixed "now" agrees with the page on "Today".
  const skew = cfg.serverNow - Date.now();
  const now = () => Math.floor(Date.now() + skew);
  const dateFormat = new Intl.DateTimeFormat(cfg.locale, { year: "numeric", month: "long", day: "numeric" });
  const timeFormat = new Intl.DateTimeFormat(cfg.locale, { hour: "numeric", minute: "2-digit" });
  const shortDate = new Intl.DateTimeFormat(cfg.locale, { year: "numeric", month: "short", day: "numeric" });

  const view = { filter: "TODAY", range: null, devices: null, persons: null, token: null, loading: false, done: false, gen: 0, shown: 0 };

  function dayStart(ms) { const d = new Date(ms); d.setHours(0, 0, 0, 0); return d.getTime(); }

  function rangeOf(filter) {
    const t = now(), today = dayStart(t), day = 864e5;
    switch (filter) {
      case "TODAY": return [today, t];
      case "YESTERDAY": return [dayStart(today - 1), today - 1];
      case "LAST_7_DAYS": return [t - 7 * day, t];
      case "LAST_30_DAYS": return [t - 30 * day, t];
      case "ALL_HISTORY": return [0, t];
      case "CUSTOM": {
        const s = $(N.date_start).value, e = $(N.date_end).value;
        if (!s || !e) return null;
        const start = new Date(s + "T00:00:00").getTime(), end = new Date(e + "T23:59:59.999").getTime();
        if (!(start <= end)) return "invalid";
        return [start, end];
      }
    }
    return null;
  }

  function api(path, body, method, again) {
    return fetch(path, {
      method: method || "POST",
      headers: { "content-type": "application/json", "anti-csrftoken-a2z": csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    }).then((r) => {
      // A stale token (403): read a new one and go once more, as the real pages do.
      if (r.status === 403 && !again) {
        return fetch("/alexa-privacy/apd/csrf-token", { credentials: "same-origin" })
          .then((t) => (t.ok ? t.text() : Promise.reject(new Error("HTTP " + t.status))))
          .then((fresh) => { csrf = fresh.trim(); return api(path, body, method, true); });
      }
      if (r.status === 401) {
        location.href = "/ap/signin?openid.return_to=" + encodeURIComponent(location.pathname);
        throw new Error("signed out");
      }
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }

  function setMessage() {
    message.classList.toggle("is-clickable", !view.done && !view.loading);
    if (view.loading) message.textContent = L.loading;
    else if (view.failed) message.textContent = L.load_failed;
    else if (!view.done) message.textContent = L.show_more;
    else message.textContent = list.children.length ? L.end_of_list : L.no_records;
  }

  function nearBottom() { return message.getBoundingClientRect().top < window.innerHeight + 300; }

  function loadMore() {
    if (view.loading || view.done || !view.range) return;
    view.loading = true; view.failed = false; setMessage();
    const gen = view.gen;
    const url = `${RECORDS}?startTime=${view.range[0]}&endTime=${view.range[1]}&pageType=${cfg.pageType}`;
    api(url, view.persons ? { previousRequestToken: view.token, deviceEntityIds: view.devices, personIds: view.persons } : { previousRequestToken: view.token, deviceEntityIds: view.devices })
      .then((page) => {
        if (gen !== view.gen) return;
        for (const record of page[cfg.items]) list.appendChild(entry(record));
        view.token = page.encodedRequestToken || page.paginationToken || null;
        view.done = !view.token;
        view.loading = false; setMessage();
        if (!view.done && nearBottom()) loadMore();
      })
      .catch(() => { if (gen === view.gen) { view.loading = false; view.failed = true; setMessage(); } });
  }

  function reload() {
    view.gen += 1; view.token = null; view.done = false; view.loading = false; view.failed = false;
    list.textContent = "";
    loadMore();
  }

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function dateLabel(ts) {
    const today = dayStart(now());
    if (ts >= today) return L.today;
    if (ts >= dayStart(today - 1)) return L.yesterday;
    return dateFormat.format(ts);
  }

  const MAIN_TYPES = ["CUSTOMER_TRANSCRIPT", "DETECTED_SOUND", "SMART_HOME_EVENT"];

  function entry(record) {
    const box = el("div", dom2025 ? N.box + " with-activity-page" : N.box);
    box.dataset.recordKey = record.recordKey || record.activityKey || `${record.recordType}#${record.timestamp}`;
    box.dataset.timestamp = record.timestamp;
    const head = el("div", "apd-entry-head");
    const info = el("div", dom2025 ? N.record_info + " ellipsis-overflow with-activity-page expanded" : N.record_info);
    info.append(el("span", "item record-date", dateLabel(record.timestamp)), el("span", "item record-time", timeFormat.format(record.timestamp)));
    const meta = el("div", "apd-entry-meta");
    meta.append(el("span", N.device, deviceName(record)));
    const person = (record.personsInfo || [])[0];
    if (cfg.kind === "voice" || cfg.kind === "alexa-plus") meta.append(el(dom2025 ? "div" : "span", dom2025 ? N.profile + " activity-level" : N.profile, record.profileName || (person && person.personFirstName) || L.unknown_speaker));
    head.append(info, meta);
    const items = record.voiceHistoryRecordItems || [];
    const main = items.find((i) => MAIN_TYPES.includes(i.recordItemType));
    const replacement = items.find((i) => i.recordItemType === "ASR_REPLACEMENT_TEXT");
    const preview = main
      ? el("div", `${N.preview} ${N.transcript}`, cfg.kind === "voice" ? L.quote_open + main.transcriptText + L.quote_close : main.transcriptText)
      : el("div", `${N.preview} ${N.replacement}`, replacement ? replacement.transcriptText : "");
    const actions = el("div", "apd-entry-actions");
    const details = el("div", N.details);
    details.hidden = true;
    for (const item of items) {
      if (item.recordItemType === "PROFILE") continue;
      const row = el("p", "apd-detail-" + item.recordItemType.toLowerCase());
      const who = item.agentVisualName ? L.alexa_said : "";
      if (who) row.append(el("b", "", who + ": "));
      row.append(document.createTextNode(item.transcriptText));
      details.append(row);
    }
    if (record.skillName) details.append(el("p", "apd-detail-skill a-color-secondary", record.skillName));
    const expand = el("button", N.expand);
    expand.type = "button"; expand.setAttribute("aria-expanded", "false"); expand.title = L.expand;
    expand.innerHTML = dom2025 ? '<i class="fa fa-chevron-down" aria-hidden="true"></i>' : '<span aria-hidden="true">⌄</span>';
    expand.setAttribute("aria-label", L.expand);
    expand.addEventListener("click", () => {
      details.hidden = !details.hidden;
      expand.setAttribute("aria-expanded", String(!details.hidden));
      expand.setAttribute("aria-label", details.hidden ? L.expand : L.collapse);
      box.classList.toggle("is-expanded", !details.hidden);
      const icon = expand.querySelector(".fa");
      if (icon) { icon.classList.toggle("fa-chevron-down", details.hidden); icon.classList.toggle("fa-chevron-up", !details.hidden); }
    });
    if (cfg.kind === "voice" || cfg.kind === "alexa-plus") {
      const play = el("button", N.play);
      play.type = "button"; play.setAttribute("aria-label", L.play);
      play.innerHTML = '<span aria-hidden="true">▶</span> ' + L.play;
      const uid = (main || replacement || {}).utteranceId;
      play.addEventListener("click", () => playAudio(uid, box));
      actions.append(play);
    }
    const del = el("button", dom2025 ? "button-clear apd-icon-button-round " + N.delete : N.delete, L.delete_entry);
    del.type = "button";
    del.addEventListener("click", () => deleteOne(box));
    if (dom2025) {
      const banner = el("div", "record-delete-banner clickable");
      banner.append(del);
      actions.append(banner, expand);
    } else actions.append(del, expand);
    if (selecting) {
      const pick = el("input", "record-select-checkbox");
      pick.type = "checkbox"; pick.setAttribute("aria-label", L.select_entry);
      pick.checked = !!(selectAll && selectAll.checked);
      pick.addEventListener("change", updateBulk);
      head.prepend(pick);
    }
    const body = el("div", "apd-entry-body");
    body.append(preview, actions);
    box.append(head, body, details);
    return box;
  }

  // The classic feed's device, or the Alexa+ feed's deviceInfo: an object, a list or null.
  function deviceName(record) {
    if (record.device) return record.device.deviceName;
    const info = Array.isArray(record.deviceInfo) ? record.deviceInfo[0] : record.deviceInfo;
    return info ? info.deviceName : "";
  }

  function playAudio(uid, box) {
    fetch(`${AUDIO}?uid=${encodeURIComponent(uid)}`, { credentials: "same-origin" })
      .then((r) => { if (!r.ok) throw new Error("no audio"); return r.blob(); })
      .then((blob) => {
        box.classList.add("is-playing");
        const player = new Audio(URL.createObjectURL(blob));
        player.addEventListener("ended", () => box.classList.remove("is-playing"));
        return player.play().catch(() => undefined);
      })
      .catch(() => {
        if (!box.querySelector(".apd-audio-missing")) box.append(el("p", "apd-audio-missing a-color-secondary", L.audio_unavailable));
      });
  }

  function showResult(text, isError) {
    result.textContent = text;
    result.classList.toggle("a-alert-error", !!isError);
    result.classList.toggle("a-alert-success", !isError);
    result.hidden = false;
  }

  function markDeleting(box) {
    box.classList.add(N.deleting);
    box.setAttribute("aria-busy", "true");
    for (const b of box.querySelectorAll("button")) b.disabled = true;
    if (!box.querySelector("." + N.status_label)) box.querySelector(".apd-entry-head").append(el("span", N.status_label, L.deleting));
  }

  function deleteOne(box) {
    markDeleting(box);
    api(`${RECORDS}/delete?pageType=${cfg.pageType}`, { recordKeys: [box.dataset.recordKey] })
      .then(() => { box.remove(); showResult(L.delete_entry_done); setMessage(); })
      .catch(() => { box.classList.remove(N.deleting); showResult(L.delete_failed, true); });
  }

  function filterText() {
    if (view.filter !== "CUSTOM" || !Array.isArray(view.range)) return L["date_" + view.filter];
    return `${shortDate.format(view.range[0])} – ${shortDate.format(view.range[1])}`;
  }

  function devicesText() {
    const names = [...menu.querySelectorAll(`input[name="${N.device_check}"]:checked`)].map((i) => i.dataset.name);
    return names.length ? names.join(", ") : L.filter_all_devices;
  }

  function chosenFilter() {
    if (dom2025) return menu.querySelector(".filter-options-list [aria-checked=true]").dataset.value;
    return menu.querySelector(`input[name="${N.date_radio}"]:checked`).value;
  }

  function profilesText() {
    const names = [...menu.querySelectorAll('input[name="profile-filter"]:checked')].map((i) => i.dataset.name);
    return names.length ? names.join(", ") : L.filter_all_profiles;
  }

  function picked() { return [...list.querySelectorAll(".record-select-checkbox:checked")]; }

  function updateBulk() {
    if (selecting) deleteAll.disabled = !view.range || !((selectAll && selectAll.checked) || picked().length);
  }

  function bulkLabel(filter) {
    if (cfg.wording === "all_recordings") return L.delete_all_recordings;
    if (selecting) return L.delete_selected;
    return L["delete_all_" + filter];
  }

  function applyFilters() {
    const filter = chosenFilter();
    view.filter = filter;
    custom.hidden = filter !== "CUSTOM";
    const range = rangeOf(filter);
    customError.hidden = range !== "invalid";
    const ids = [...menu.querySelectorAll(`input[name="${N.device_check}"]:checked`)].map((i) => i.value);
    view.devices = ids.length ? ids : null;
    const persons = [...menu.querySelectorAll('input[name="profile-filter"]:checked')].map((i) => i.value);
    view.persons = persons.length ? persons : null;
    const profileChip = bar.querySelector(".apd-filter-summary-profile");
    if (profileChip) profileChip.textContent = profilesText();
    bar.querySelector(".apd-filter-summary-date").textContent = filterText();
    bar.querySelector(".apd-filter-summary-device").textContent = devicesText();
    deleteAll.textContent = bulkLabel(filter);
    if (range === null || range === "invalid") { view.range = null; deleteAll.disabled = true; return; }
    view.range = range;
    bar.querySelector(".apd-filter-summary-date").textContent = filterText();
    deleteAll.disabled = false;
    updateBulk();
    reload();
  }

  if (dom2025) {
    for (const option of menu.querySelectorAll(".filter-options-list [role=radio]")) {
      option.addEventListener("click", () => {
        for (const o of menu.querySelectorAll(".filter-options-list [role=radio]")) {
          o.setAttribute("aria-checked", String(o === option));
          o.classList.toggle("is-selected", o === option);
        }
        applyFilters();
      });
    }
  }
  if (selectAll) selectAll.addEventListener("change", () => {
    for (const box of list.querySelectorAll(".record-select-checkbox")) box.checked = selectAll.checked;
    updateBulk();
  });

  toggle.addEventListener("click", () => {
    menu.hidden = !menu.hidden;
    toggle.setAttribute("aria-expanded", String(!menu.hidden));
  });
  menu.addEventListener("change", applyFilters);
  list.addEventListener("change", updateBulk);
  message.addEventListener("click", loadMore);
  message.addEventListener("keydown", (e) => { if (e.key === "Enter") loadMore(); });
  new IntersectionObserver((seen) => { if (seen.some((s) => s.isIntersecting)) loadMore(); }, { rootMargin: "300px" }).observe(message);
  window.addEventListener("scroll", () => { if (nearBottom()) loadMore(); }, { passive: true });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") { dialog.hidden = true; menu.hidden = true; toggle.setAttribute("aria-expanded", "false"); }
  });

  deleteAll.addEventListener("click", () => {
    if (!view.range) return;
    dialog.querySelector(".apd-confirm-range").textContent = filterText();
    dialog.querySelector(".apd-confirm-devices").textContent = devicesText();
    dialog.hidden = false;
    $(N.confirm).focus();
  });
  function deletePicked(gen) {
    const boxes = picked().map((c) => c.closest("." + N.box));
    for (const box of boxes) markDeleting(box);
    api(`${RECORDS}/delete?pageType=${cfg.pageType}`, { recordKeys: boxes.map((b) => b.dataset.recordKey) })
      .then((done) => { showResult(L.delete_done.replace("{count}", done.deleted)); if (gen === view.gen) reload(); })
      .catch(() => { for (const box of boxes) box.classList.remove(N.deleting); showResult(L.delete_failed, true); });
  }

  $(N.cancel).addEventListener("click", () => { dialog.hidden = true; });
  $(N.confirm).addEventListener("click", () => {
    dialog.hidden = true;
    const range = view.range, gen = view.gen;
    if (selecting && !(selectAll && selectAll.checked)) { deletePicked(gen); return; }
    for (const box of list.children) markDeleting(box);
    deleteAll.disabled = true;
    const body = { startTime: range[0], endTime: range[1], deviceEntityIds: view.devices };
    if (view.persons) body.personIds = view.persons;
    api(`${RECORDS}/delete?pageType=${cfg.pageType}`, body)
      .then((job) => {
        showResult(L.delete_started.replace("{count}", job.requested));
        const poll = () => api(`${RECORDS}/delete-status?deletionRequestId=${encodeURIComponent(job.deletionRequestId)}`, undefined, "GET")
          .then((status) => {
            if (status.status !== "COMPLETED") { setTimeout(poll, 400); return; }
            showResult(L.delete_done.replace("{count}", status.deleted));
            deleteAll.disabled = false;
            if (gen === view.gen) reload();
          })
          .catch(() => setTimeout(poll, 1000));
        poll();
      })
      .catch(() => {
        for (const box of list.children) box.classList.remove(N.deleting);
        deleteAll.disabled = false;
        showResult(L.delete_failed, true);
      });
  });

  applyFilters();
})();
