// The inbox's little JavaScript: live updates over server-sent events (re-reading the parts
// of the page that changed), local times, the SMS segment count under the reply box, and the
// WhatsApp 24-hour window warning for the channel picked.
// Everything works without it; it only saves reloads.
(function () {
  "use strict";

  function localTimes(root) {
    root.querySelectorAll("time[datetime]").forEach(function (el) {
      var at = new Date(el.getAttribute("datetime"));
      if (!isNaN(at)) { el.textContent = at.toLocaleString([], { dateStyle: "short", timeStyle: "short" }); }
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
        localTimes(el);
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
    var warning = form.querySelector("[data-window-warning]");
    function windowWarning() {
      if (!warning || !channel) { return; }
      var option = channel.options[channel.selectedIndex];
      warning.hidden = !(option && option.hasAttribute("data-window-closed"));
    }
    body.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(measure, 150); });
    if (channel) { channel.addEventListener("change", function () { measure(); windowWarning(); }); }
    measure();
    windowWarning();
  }

  document.addEventListener("DOMContentLoaded", function () {
    localTimes(document);
    var timeline = document.getElementById("timeline");
    if (timeline) { timeline.scrollTop = timeline.scrollHeight; }
    document.querySelectorAll("form.reply").forEach(segments);
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    if (document.body.dataset.live) { listen(document.body.dataset.live); }
  });
})();
