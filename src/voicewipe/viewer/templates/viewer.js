"use strict";
// The export viewer (src/voicewipe/viewer/page.py writes the data in). Data goes into the
// page with textContent and properties only, never as markup: a transcript is user data.
// Only the rows in view are in the DOM (a virtual list), so 100,000 recordings scroll as
// lightly as 20.
(() => {
  const ROW = 76; // px, as .row's --row in the CSS
  const OVERSCAN = 8; // rows drawn beyond each edge of the window
  const LABELS = { voice: "Voice", sounds: "Sounds", "smart-home": "Smart home", "alexa-plus": "Alexa+" };
  const data = JSON.parse(document.getElementById("data").textContent);
  const C = data.cols, S = data.strings, N = C.t.length;
  const $ = (id) => document.getElementById(id);

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // Worked out once, so that a search or a filter is one pass over plain arrays: the text a
  // search looks in (lowercase), and each recording's month in local time (year * 12 + month).
  const lower = new Array(N);
  const month = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    lower[i] = (C.x[i] + "\n" + C.y[i]).toLowerCase();
    const d = new Date(C.t[i]);
    month[i] = d.getFullYear() * 12 + d.getMonth();
  }

  const want = { q: "", h: -1, d: -1, s: -1, from: -Infinity, to: Infinity, month: -1 };
  let shown = new Int32Array(0); // record indexes that match, newest first
  let count = 0;
  let perMonth = new Map();

  const dateFmt = new Intl.DateTimeFormat(undefined, { weekday: "short", year: "numeric", month: "short", day: "numeric" });
  const clockFmt = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  const stampFmt = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  const monthFmt = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "long" });
  const label = (name) => LABELS[name] || name;

  // --- the header: what the folder holds ----------------------------------------------------
  function header() {
    $("title").textContent = "Alexa history of " + data.account;
    for (const h of data.histories) {
      const item = el("li");
      item.dataset.history = h.name;
      const n = el("b", "n", h.records.toLocaleString());
      item.append(n, " " + label(h.name));
      $("counts").append(item);
      if (h.manifest !== null && h.manifest !== h.records) {
        data.notes.push(h.name + ": " + h.records + " records read, the manifest says " + h.manifest);
      }
    }
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const updated = data.updated ? stampFmt.format(new Date(data.updated)) : "?";
    $("about").textContent = data.marketplace + " · exported by voicewipe " + data.version + ", last updated " +
      updated + " · times in your time zone (" + zone + ") · exported: when voicewipe saved it; deleted: " +
      "when voicewipe deleted it from Amazon";
    notes();
  }

  function notes() {
    if (!data.notes.length) return;
    const list = $("notes").querySelector("ul");
    for (const note of data.notes) list.append(el("li", "", note));
    $("notes").hidden = false;
  }

  // --- the filters --------------------------------------------------------------------------
  function options(select, column) {
    const seen = new Map();
    for (let i = 0; i < N; i++) seen.set(column[i], (seen.get(column[i]) || 0) + 1);
    const names = [...seen.keys()].sort((a, b) => S[a].localeCompare(S[b]));
    for (const index of names) {
      const option = el("option", "", (S[index] || "(none)") + " (" + seen.get(index) + ")");
      option.value = String(index);
      select.append(option);
    }
  }

  function day(value, end) {
    if (!value) return end ? Infinity : -Infinity;
    const [y, m, d] = value.split("-").map(Number);
    return new Date(y, m - 1, d + (end ? 1 : 0)).getTime() - (end ? 1 : 0);
  }

  function readControls() {
    want.q = $("search").value.trim().toLowerCase();
    want.h = $("history").value === "" ? -1 : Number($("history").value);
    want.d = $("device").value === "" ? -1 : Number($("device").value);
    want.s = $("speaker").value === "" ? -1 : Number($("speaker").value);
    want.from = day($("from").value, false);
    want.to = day($("to").value, true);
  }

  function passes(i) {
    if (want.h >= 0 && C.h[i] !== want.h) return false;
    if (want.d >= 0 && C.d[i] !== want.d) return false;
    if (want.s >= 0 && C.s[i] !== want.s) return false;
    const t = C.t[i];
    if (t < want.from || t > want.to) return false;
    return !want.q || lower[i].indexOf(want.q) >= 0;
  }

  // One pass: what matches every filter, and per month what matches all but the month (so
  // that the timeline shows where else the same search is found).
  function apply() {
    const found = new Int32Array(N);
    const months = new Map();
    let n = 0;
    for (let i = N - 1; i >= 0; i--) {
      if (!passes(i)) continue;
      months.set(month[i], (months.get(month[i]) || 0) + 1);
      if (want.month < 0 || month[i] === want.month) found[n++] = i;
    }
    shown = found;
    count = n;
    perMonth = months;
    timeline();
    $("shown").textContent = "Showing " + n.toLocaleString() + " of " + N.toLocaleString() +
      " recordings" + (want.month >= 0 ? " in " + monthName(want.month) : "");
    $("list").style.height = n * ROW + "px";
    $("empty").hidden = n > 0;
    render();
  }

  function monthName(m) {
    return monthFmt.format(new Date(Math.floor(m / 12), m % 12, 1));
  }

  // --- the timeline: recordings per month, a month clicked to show it alone -----------------
  function timeline() {
    const strip = $("timeline");
    strip.replaceChildren();
    if (!N) return;
    const first = month[0], last = month[N - 1];
    let most = 1;
    for (const n of perMonth.values()) most = Math.max(most, n);
    for (let m = first; m <= last; m++) strip.append(monthBar(m, perMonth.get(m) || 0, most));
  }

  function monthBar(m, n, most) {
    const button = el("button");
    button.type = "button";
    button.dataset.month = Math.floor(m / 12) + "-" + String((m % 12) + 1).padStart(2, "0");
    button.dataset.count = String(n);
    button.title = monthName(m) + ": " + n + " recording" + (n === 1 ? "" : "s");
    button.setAttribute("aria-pressed", String(want.month === m));
    const bar = el("span", "bar");
    bar.style.height = (n ? Math.max(4, (70 * n) / most) : 0) + "px";
    button.append(bar);
    if (m % 12 === 0 || m === month[0]) button.append(el("span", "year", String(Math.floor(m / 12))));
    button.addEventListener("click", () => {
      want.month = want.month === m ? -1 : m;
      apply();
    });
    return button;
  }

  // --- the rows in view ---------------------------------------------------------------------
  function render() {
    const list = $("list");
    const top = list.getBoundingClientRect().top + window.scrollY;
    const from = Math.max(0, Math.floor((window.scrollY - top) / ROW) - OVERSCAN);
    const to = Math.min(count, Math.ceil((window.scrollY + window.innerHeight - top) / ROW) + OVERSCAN);
    const rows = document.createDocumentFragment();
    for (let p = from; p < to; p++) rows.append(row(shown[p], p));
    list.replaceChildren(rows);
  }

  function time(cls, iso, text, what) {
    const node = el("time", cls, text);
    node.dateTime = iso;
    node.title = (what ? what + " " : "") + iso;
    return node;
  }

  function row(i, position) {
    const node = el("div", "row");
    node.setAttribute("role", "listitem");
    node.style.top = position * ROW + "px";
    node.dataset.index = String(i);
    const at = new Date(C.t[i]);
    const when = el("div", "when");
    when.append(time("date", at.toISOString(), dateFmt.format(at)), el("span", "clock", clockFmt.format(at) + " "),
      el("span", "badge", label(S[C.h[i]])));
    node.append(when, what(i), life(i), playButton(i));
    return node;
  }

  function what(i) {
    const box = el("div", "what");
    const said = el("div", C.x[i] ? "said" : "said none", C.x[i] || "(no transcript)");
    const reply = el("div", "reply", C.y[i]);
    said.title = C.x[i];
    reply.title = C.y[i];
    box.append(said, reply, el("div", "who", [S[C.d[i]], S[C.s[i]]].filter(Boolean).join(" · ")));
    return box;
  }

  function life(i) {
    const box = el("div", "life");
    const exported = S[C.e[i]], deleted = S[C.z[i]];
    const ex = el("div", "exported", "exported ");
    ex.append(exported ? time("", exported, stampFmt.format(new Date(exported)), "exported") : "(not in a finished listing)");
    box.append(ex);
    if (deleted) {
      const gone = el("div", "gone", "deleted ");
      gone.append(time("", deleted, stampFmt.format(new Date(deleted)), "deleted from Amazon"));
      box.append(gone);
    }
    return box;
  }

  function playButton(i) {
    if (!C.a[i]) return el("span", "noaudio", "no audio");
    const button = el("button", "play", "▶ Play");
    button.type = "button";
    button.addEventListener("click", () => play(i));
    return button;
  }

  // One <audio> element, made at the first play and pointed at the file played: never one per row.
  function play(i) {
    let audio = $("audio");
    if (!audio) {
      audio = el("audio");
      audio.id = "audio";
      audio.controls = true;
      audio.addEventListener("error", () => {
        $("playing").textContent = "Cannot play " + audio.getAttribute("src") + " (is the file in the audio folder?)";
      });
      $("player").append(audio);
    }
    audio.src = "audio/" + encodeURIComponent(C.a[i]);
    $("playing").textContent = "▶ " + dateFmt.format(new Date(C.t[i])) + " " + clockFmt.format(new Date(C.t[i])) +
      ": " + (C.x[i] || "(no transcript)");
    $("player").hidden = false;
    audio.play().catch(() => {}); // the error event says why, in the player
  }

  // --- wiring -------------------------------------------------------------------------------
  function changed() {
    readControls();
    apply();
  }

  let drawing = false;
  function scrolled() {
    if (drawing) return;
    drawing = true;
    requestAnimationFrame(() => {
      drawing = false;
      render();
    });
  }

  function clear() {
    for (const id of ["search", "history", "device", "speaker", "from", "to"]) $(id).value = "";
    want.month = -1;
    changed();
  }

  function start() {
    header();
    for (const h of data.histories) {
      const option = el("option", "", label(h.name) + " (" + h.records + ")");
      const at = S.indexOf(h.name); // a history with no record: a value that matches none
      option.value = String(at < 0 ? S.length : at);
      $("history").append(option);
    }
    options($("device"), C.d);
    options($("speaker"), C.s);
    $("search").addEventListener("input", changed);
    for (const id of ["history", "device", "speaker", "from", "to"]) $(id).addEventListener("change", changed);
    $("clear").addEventListener("click", clear);
    window.addEventListener("scroll", scrolled, { passive: true });
    window.addEventListener("resize", scrolled);
    changed();
    requestAnimationFrame(() => performance.mark("voicewipe-rows-shown"));
  }

  start();
})();
