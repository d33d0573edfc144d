// The inbox's little JavaScript: live updates over server-sent events (re-reading the parts
// of the page that changed), local times, label colours, the snooze time in the browser's zone,
// the SMS segment count under the reply box, the WhatsApp 24-hour window warning, saved replies
// inserted by typing "/" and a shortcut, and keyboard shortcuts.
// Everything works without it; it only saves reloads and clicks.
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // What the server rendered, made local: times, label colours, tomorrow 9:00 in this zone.
  function decorate(root) {
    root.querySelectorAll("time[datetime]").forEach(function (el) {
      var at = new Date(el.getAttribute("datetime"));
      if (!isNaN(at)) { el.textContent = at.toLocaleString([], { dateStyle: "short", timeStyle: "short" }); }
    });
    root.querySelectorAll("[data-colour]").forEach(function (el) {
      el.style.setProperty("--label", el.dataset.colour);
    });
    root.querySelectorAll("input[data-copy]").forEach(function (el) {
      el.addEventListener("focus", function () { el.select(); });
    });
    root.querySelectorAll("[data-utc-offset]").forEach(function (el) {
      el.value = String(new Date().getTimezoneOffset());
    });
    root.querySelectorAll("[data-time-zone]").forEach(function (el) {
      try { el.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { el.value = ""; }
    });
    root.querySelectorAll("[data-tomorrow-nine]").forEach(function (el) {
      var t = new Date();
      t.setDate(t.getDate() + 1);
      el.value = t.getFullYear() + "-" + pad(t.getMonth() + 1) + "-" + pad(t.getDate()) + "T09:00";
    });
  }

  function refresh(id) {
    var el = document.getElementById(id);
    if (!el) { return Promise.resolve(); }
    return fetch(el.dataset.fragment, { credentials: "same-origin" }).then(function (response) {
      if (response.redirected || response.status === 401) { window.location.reload(); return; }
      if (!response.ok) { return; }
      return response.text().then(function (html) {
        var scrolledToEnd = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        el.innerHTML = html;
        decorate(el);
        if (id === "timeline" && scrolledToEnd) { el.scrollTop = el.scrollHeight; }
      });
    });
  }

  function listen(url) {
    var open = document.body.dataset.conversation;
    var source = new EventSource(url);
    // After a reconnect, re-read everything: changes made while away were not sent.
    source.addEventListener("open", function () { refresh("conversation-list"); if (open) { refresh("timeline"); } });
    source.addEventListener("change", function (event) {
      var change = JSON.parse(event.data);
      refresh("conversation-list");
      if (open && (!change.conversation_id || change.conversation_id === open)) { refresh("timeline"); }
    });
    source.addEventListener("reload", function () { window.location.reload(); });
  }

  function segments(form) {
    var output = form.querySelector("[data-segments]");
    var body = form.querySelector("textarea");
    var channel = form.querySelector("select[name=channel_id]");
    if (!output || !body) { return; }
    var timer = null;
    function measure() {
      var params = new URLSearchParams({ body: body.value, channel_id: channel ? channel.value : "" });
      fetch(output.dataset.segments + "?" + params, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (text) { output.textContent = text; });
    }
    // One warning per WhatsApp channel whose window is closed, naming its templates.
    var warnings = form.querySelectorAll("[data-window-warning]");
    function windowWarning() {
      if (!channel) { return; }
      warnings.forEach(function (warning) { warning.hidden = warning.dataset.windowWarning !== channel.value; });
    }
    body.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(measure, 150); });
    if (channel) { channel.addEventListener("change", function () { measure(); windowWarning(); }); }
    measure();
    windowWarning();
  }

  // "/" and a shortcut at the caret offer the saved replies that match; Enter or Tab inserts
  // the one chosen, arrows move, Escape closes.
  function cannedResponses(form) {
    var body = form.querySelector("textarea");
    var list = form.querySelector(".canned-suggestions");
    var saved = Array.prototype.map.call(form.querySelectorAll("#canned-responses li"), function (li) {
      return { shortcut: li.dataset.shortcut, body: li.textContent };
    });
    if (!body || !list || saved.length === 0) { return; }
    var matches = [];
    var chosen = 0;
    function typedShortcut() {
      var before = body.value.slice(0, body.selectionStart);
      var found = /(^|\s)\/([\w-]*)$/.exec(before);
      return found ? { start: before.length - found[2].length - 1, word: found[2].toLowerCase() } : null;
    }
    function close() { list.hidden = true; matches = []; }
    function show() {
      var typed = typedShortcut();
      matches = typed ? saved.filter(function (s) { return s.shortcut.indexOf(typed.word) === 0; }) : [];
      if (matches.length === 0) { close(); return; }
      chosen = Math.min(chosen, matches.length - 1);
      list.innerHTML = "";
      matches.forEach(function (s, i) {
        var item = document.createElement("li");
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", i === chosen ? "true" : "false");
        var code = document.createElement("code");
        code.textContent = "/" + s.shortcut;
        item.appendChild(code);
        item.appendChild(document.createTextNode(" " + s.body));
        item.addEventListener("mousedown", function (event) { event.preventDefault(); insert(s); });
        list.appendChild(item);
      });
      list.hidden = false;
    }
    function insert(s) {
      var typed = typedShortcut();
      if (!typed) { close(); return; }
      var end = body.selectionStart;
      body.value = body.value.slice(0, typed.start) + s.body + body.value.slice(end);
      var caret = typed.start + s.body.length;
      body.setSelectionRange(caret, caret);
      close();
      body.dispatchEvent(new Event("input"));
    }
    body.addEventListener("input", function () { chosen = 0; show(); });
    body.addEventListener("blur", close);
    body.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        chosen = (chosen + (event.key === "ArrowDown" ? 1 : matches.length - 1)) % matches.length;
        show();
        event.preventDefault();
      } else if (event.key === "Enter" || event.key === "Tab") {
        insert(matches[chosen]);
        event.preventDefault();
      } else if (event.key === "Escape") {
        close();
        event.preventDefault();
      }
    });
  }

  // Keys outside a text field: j/k move through the list, r replies, e resolves, / searches.
  // In the reply box, Ctrl+Enter (or Cmd+Enter) sends.
  function keyboard(event) {
    var target = event.target;
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || target.isContentEditable;
    if (typing) {
      if (target.id === "reply-body" && event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        var send = target.form.querySelector("button.send");
        if (send) { event.preventDefault(); target.form.requestSubmit(send); }
      } else if (event.key === "Escape") {
        target.blur();
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var links = Array.prototype.slice.call(document.querySelectorAll(".conversations a"));
    var current = links.findIndex(function (a) { return a.parentElement.classList.contains("current"); });
    if (event.key === "j" || event.key === "k") {
      var next = current + (event.key === "j" ? 1 : -1);
      if (current === -1) { next = 0; }
      if (links[next]) { event.preventDefault(); links[next].click(); }
    } else if (event.key === "r") {
      var reply = document.getElementById("reply-body");
      if (reply) { event.preventDefault(); reply.focus(); }
    } else if (event.key === "e") {
      var resolve = document.querySelector("button[data-key=e]");
      if (resolve) { event.preventDefault(); resolve.click(); }
    } else if (event.key === "/") {
      var search = document.querySelector(".search input[type=search]");
      if (search) { event.preventDefault(); search.focus(); }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    decorate(document);
    var timeline = document.getElementById("timeline");
    if (timeline) { timeline.scrollTop = timeline.scrollHeight; }
    document.querySelectorAll("form.reply").forEach(function (form) { segments(form); cannedResponses(form); });
    // Delegated, so that selects in re-read parts of the page keep working.
    document.addEventListener("change", function (event) {
      var select = event.target;
      if (!select.matches || !select.matches("select[data-autosubmit]")) { return; }
      if (select.dataset.autosubmit === "unless-empty" && select.value === "") { return; }
      select.form.submit();
    });
    document.addEventListener("keydown", keyboard);
    if (document.body.dataset.live) { listen(document.body.dataset.live); }
  });
})();
