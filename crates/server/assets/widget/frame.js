/*
 * Switchboard chat widget: the chat UI inside the iframe that loader.js adds to a business's page.
 * The page (templates/widget_frame.html) is Switchboard's own, under a strict CSP: everything is
 * built here with createElement + textContent (all typed text stays text) and styled by frame.css.
 * Settings come from <body data-key data-origin data-title data-greeting data-color data-position
 * data-prechat='{"name":"off|optional|required","email":…,"phone":…}'>.
 *
 * Server (same origin, JSON; errors are application/problem+json, their `detail` is shown; the
 * token lives in localStorage["switchboard:" + key], or memory, and goes as Authorization: Bearer):
 *   POST /widget/api/session  {key, origin, token|null} -> {token, visitor_id, identified, name, email};
 *                             401: forget the token, ask once more with null
 *   POST /widget/api/identify {name, email, phone: the fields shown} -> as session; 422
 *   GET  /widget/api/messages -> {messages: [{id, direction: inbound (visitor) | outbound (business),
 *                             text, attachments: [{url, content_type, filename}], created_at, status, seen}]}
 *   POST /widget/api/messages {text, image: null | {filename, content_type, data: base64}} -> 201 {message};
 *                             401: new session, retry once; 413/422/429 (Retry-After): shown
 *   POST /widget/api/read     {}: the visitor saw the business's messages
 *   GET  /widget/api/events?token=…  server-sent events: `changed` (and `open`) -> re-fetch
 * Loader (postMessage, only from window.parent at data-origin): we post switchboard:config
 * {color, position, title}, switchboard:close, switchboard:unread {count}; we get switchboard:open
 * (focus, mark replies read) and switchboard:closed.
 */
(function () {
  "use strict";

  const API = {
    session: "/widget/api/session",
    identify: "/widget/api/identify",
    verifyStart: "/widget/api/verify/start",
    verifyFinish: "/widget/api/verify/finish",
    messages: "/widget/api/messages",
    read: "/widget/api/read",
    events: "/widget/api/events",
  };
  const IMAGE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"];
  const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
  const FIELDS = [
    { name: "name", label: "Name", type: "text", autocomplete: "name" },
    { name: "email", label: "Email", type: "email", autocomplete: "email" },
    { name: "phone", label: "Phone", type: "tel", autocomplete: "tel" },
  ];
  const ICONS = {
    close: "M6 6l12 12M18 6L6 18",
    attach: "M21 11.5l-8.6 8.6a5.5 5.5 0 0 1-7.8-7.8l8.6-8.6a3.7 3.7 0 0 1 5.2 5.2l-8.6 8.6a1.8 1.8 0 0 1-2.6-2.6l7.9-7.9",
  };
  const OFFLINE = "We couldn't reach the chat. Please check your connection and try again.";
  const FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]):not([tabindex='-1']), textarea:not([disabled]), [tabindex='0']";

  const settings = readSettings(document.body);
  const storageKey = "switchboard:" + settings.key;

  const state = {
    token: null,
    visitorId: null,
    identified: false,
    name: null,
    email: null,
    open: false,
    messages: [],
    items: new Map(), // message id -> its <li>
    shownWhileOpen: new Set(),
    readRequested: new Set(),
    lastUnread: -1,
    pinned: true, // the list is scrolled to the bottom
    sending: false,
  };
  const ui = {};
  let sessionInFlight = null;
  let loading = null;
  let reloadQueued = false;
  let readTimer = 0;
  let readInFlight = false;
  let events = null;
  let eventsRetry = 0;

  // ---- settings and small helpers ----

  function readSettings(body) {
    const data = body.dataset;
    return {
      key: data.key || "",
      origin: data.origin || "",
      title: data.title || "Chat",
      greeting: data.greeting || "",
      color: /^#[0-9a-f]{6}$/i.test(data.color || "") ? data.color : "#0d9488",
      position: data.position === "left" ? "left" : "right",
      prechat: parsePrechat(data.prechat),
    };
  }

  function parsePrechat(json) {
    try {
      const value = JSON.parse(json || "{}");
      return value && typeof value === "object" ? value : {};
    } catch (error) {
      return {};
    }
  }

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === true) node.setAttribute(name, "");
      else if (value !== false && value != null) node.setAttribute(name, String(value));
    }
    node.append(...children.filter((child) => child != null));
    return node;
  }

  function icon(path) {
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("class", "icon");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const shape = document.createElementNS("http://www.w3.org/2000/svg", "path");
    shape.setAttribute("d", path);
    svg.append(shape);
    return svg;
  }

  // "the email is not valid" -> "The email is not valid."
  function sentence(text) {
    const trimmed = String(text).trim();
    const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
    return /[.!?]$/.test(capital) ? capital : capital + ".";
  }

  function shortTime(iso) {
    const at = new Date(iso);
    if (isNaN(at)) return "";
    if (at.toDateString() === new Date().toDateString()) {
      return at.toLocaleTimeString([], { hour: "numeric", minute: "2-digit" });
    }
    return at.toLocaleString([], { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });
  }

  // Only http(s) addresses become links or pictures.
  function safeUrl(url) {
    try {
      const parsed = new URL(String(url), location.href);
      return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
    } catch (error) {
      return null;
    }
  }

  // ---- the parent page ----

  function postToParent(message) {
    if (window.parent === window) return;
    try {
      window.parent.postMessage(message, settings.origin);
    } catch (error) {
      /* no valid origin to talk to */
    }
  }

  function onParentMessage(event) {
    if (window.parent === window || event.source !== window.parent || event.origin !== settings.origin) return;
    const message = event.data;
    if (!message || typeof message !== "object") return;
    if (message.type === "switchboard:open") panelOpened();
    else if (message.type === "switchboard:closed") panelClosed();
  }

  function panelOpened() {
    state.open = true;
    rememberShown();
    reportUnread();
    focusFirstField();
    scheduleMarkRead();
  }

  function panelClosed() {
    state.open = false;
    clearTimeout(readTimer);
  }

  function requestClose() {
    postToParent({ type: "switchboard:close" });
  }

  // ---- the token ----

  function storedToken() {
    try {
      const token = localStorage.getItem(storageKey);
      if (token) return token;
    } catch (error) {
      /* storage unavailable: the one in memory */
    }
    return state.token;
  }

  function storeToken(token) {
    state.token = token;
    try {
      if (token) localStorage.setItem(storageKey, token);
      else localStorage.removeItem(storageKey);
    } catch (error) {
      /* kept in memory only */
    }
  }

  // ---- the server ----

  class Problem extends Error {
    constructor(result) {
      super(problemText(result));
      this.status = result.status;
    }
  }

  function problemText(result) {
    const data = result.data;
    const detail = data && (data.detail || data.title);
    return typeof detail === "string" && detail.trim() ? sentence(detail) : "Something went wrong (error " + result.status + ").";
  }

  // fetch() fails with a TypeError when the network does; anything else is our own trouble.
  function failureText(error) {
    if (error instanceof Problem) return error.message;
    return error instanceof TypeError ? OFFLINE : "Something went wrong. Please try again.";
  }

  async function request(method, path, body, token) {
    const headers = { Accept: "application/json, application/problem+json" };
    const init = { method, headers, credentials: "same-origin", cache: "no-store" };
    if (token) headers.Authorization = "Bearer " + token;
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    let data = null;
    try {
      data = await response.json();
    } catch (error) {
      data = null;
    }
    return { status: response.status, ok: response.ok, data, headers: response.headers };
  }

  // A request as the visitor; a token the server no longer takes is renewed once.
  async function authed(method, path, body) {
    const result = await request(method, path, body, state.token);
    if (result.status !== 401) return result;
    await renewSession();
    return request(method, path, body, state.token);
  }

  function postSession(token) {
    return request("POST", API.session, { key: settings.key, origin: settings.origin, token: token || null });
  }

  async function openSession() {
    let result = await postSession(storedToken());
    if (result.status === 401) {
      storeToken(null);
      result = await postSession(null);
    }
    if (!result.ok || !result.data || typeof result.data.token !== "string") throw new Problem(result);
    adoptSession(result.data);
  }

  function renewSession() {
    if (!sessionInFlight) sessionInFlight = openSession().finally(() => { sessionInFlight = null; });
    return sessionInFlight;
  }

  function adoptSession(session) {
    const previousToken = state.token;
    const previousVisitor = state.visitorId;
    if (typeof session.token === "string") storeToken(session.token);
    state.visitorId = session.visitor_id || null;
    state.identified = Boolean(session.identified);
    state.name = session.name || null;
    state.email = session.email || null;
    if (previousVisitor && state.visitorId !== previousVisitor) forgetChat();
    if (events && state.token !== previousToken) openEvents();
  }

  // The old token was refused and the server made a new visitor: their chat is not this one.
  function forgetChat() {
    state.messages = [];
    state.items.forEach((item) => item.remove());
    state.items.clear();
    state.shownWhileOpen.clear();
    state.readRequested.clear();
    if (ui.receipt) ui.receipt.remove();
    if (ui.chat && ui.chat.isConnected && needsPrechat()) {
      closeEvents();
      showView(buildPrechat());
    }
  }

  // ---- the frame's shell and views ----

  function buildShell() {
    const close = el("button", { type: "button", class: "icon-button", "aria-label": "Close chat", title: "Close" }, icon(ICONS.close));
    close.addEventListener("click", requestClose);
    const header = el("header", { class: "header" }, el("h1", {}, settings.title), close);
    ui.view = el("main", { class: "view" });
    document.body.append(header, ui.view);
  }

  function showView(view) {
    ui.view.replaceChildren(view);
    if (state.open) focusFirstField();
  }

  function statusView(text) {
    return el("p", { class: "status" }, text);
  }

  function problemView(text, canRetry) {
    const notice = el("div", { class: "notice" }, el("p", { role: "alert" }, text));
    if (canRetry) {
      const retry = el("button", { type: "button", class: "primary" }, "Try again");
      retry.addEventListener("click", start);
      notice.append(retry);
    }
    return notice;
  }

  // The first pre-chat input, the message box, or else the view's button or the close button.
  function focusFirstField() {
    const field = ui.view.querySelector("#prechat input, #composer-text") ||
      ui.view.querySelector("button") || document.querySelector(".header button");
    if (field) field.focus();
  }

  function showError(node, text) {
    node.textContent = text || "";
  }

  // ---- the pre-chat form ----

  function fieldMode(field) {
    const mode = settings.prechat[field.name];
    return mode && mode !== "off" ? mode : null;
  }

  function shownFields() {
    return FIELDS.filter(fieldMode);
  }

  function needsPrechat() {
    return !state.identified && shownFields().length > 0;
  }

  function buildField(field) {
    const required = fieldMode(field) === "required";
    const id = "prechat-" + field.name;
    const input = el("input", {
      id, name: field.name, type: field.type, autocomplete: field.autocomplete, required,
      value: field.name === "name" ? state.name : field.name === "email" ? state.email : null,
    });
    const label = el("label", { for: id }, field.label + " ",
      el("span", { class: "hint" }, required ? "(required)" : "(optional)"));
    return { input, row: el("div", { class: "field" }, label, input) };
  }

  function buildPrechat() {
    const heading = el("h2", { id: "prechat-heading" }, "Before we start");
    const form = el("form", { id: "prechat", class: "prechat", "aria-labelledby": "prechat-heading" }, heading);
    if (settings.greeting) form.append(el("p", { class: "greeting" }, settings.greeting));
    const inputs = {};
    for (const field of shownFields()) {
      const built = buildField(field);
      inputs[field.name] = built.input;
      form.append(built.row);
    }
    const error = el("p", { class: "error", role: "alert" });
    const submit = el("button", { type: "submit", id: "prechat-start", class: "primary" }, "Start chat");
    form.append(error, submit);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submitPrechat(form, inputs, submit, error);
    });
    return form;
  }

  function prechatAnswers(inputs) {
    const answers = {};
    for (const [name, input] of Object.entries(inputs)) {
      const value = input.value.trim();
      answers[name] = value === "" ? null : value;
    }
    return answers;
  }

  async function submitPrechat(form, inputs, submit, error) {
    if (submit.disabled) return;
    submit.disabled = true;
    showError(error, "");
    try {
      const result = await authed("POST", API.identify, prechatAnswers(inputs));
      if (result.ok && result.data) {
        adoptSession(result.data);
        enterChat();
        return;
      }
      showError(error, problemText(result));
    } catch (failure) {
      showError(error, failureText(failure));
    } finally {
      submit.disabled = false;
    }
    if (!form.contains(document.activeElement)) submit.focus();
  }

  // ---- the chat view ----

  function buildChat() {
    ui.list = el("ol", { id: "messages", class: "messages", role: "log", "aria-live": "polite", "aria-label": "Messages", tabindex: "0" });
    if (settings.greeting) {
      ui.list.append(el("li", { class: "msg business greeting" }, el("p", { class: "text" }, settings.greeting)));
    }
    ui.list.addEventListener("scroll", () => { state.pinned = isAtBottom(); });
    ui.receipt = el("span", { class: "receipt" });
    ui.composerError = el("p", { id: "composer-error", class: "error", role: "alert" });
    return el("div", { class: "chat" }, buildContinue(), ui.list, ui.composerError, buildComposer());
  }

  // ---- continuing a chat from another device: a code emailed to the visitor proves the address,
  // and the chats of their other devices show here ----

  function buildContinue() {
    const details = el("details", { class: "continue" }, el("summary", {}, "Chatted with us on another device?"));
    const email = el("input", { id: "continue-email", type: "email", autocomplete: "email", required: true, value: state.email });
    const code = el("input", {
      id: "continue-code", inputmode: "numeric", autocomplete: "one-time-code", maxlength: "6", pattern: "[0-9]{6}",
    });
    const codeRow = el("div", { class: "field", hidden: true }, el("label", { for: "continue-code" }, "Code from the email"), code);
    const error = el("p", { class: "error", role: "alert" });
    const submit = el("button", { type: "submit", id: "continue-submit", class: "primary" }, "Email me a code");
    const form = el("form", { id: "continue", class: "continue-form" },
      el("p", { class: "hint" }, "We email you a code; your earlier messages then show here."),
      el("div", { class: "field" }, el("label", { for: "continue-email" }, "Email"), email), codeRow, error, submit);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submitContinue({ details, email, code, codeRow, error, submit });
    });
    details.append(form);
    return details;
  }

  async function submitContinue(parts) {
    if (parts.submit.disabled) return;
    parts.submit.disabled = true;
    showError(parts.error, "");
    try {
      const address = parts.email.value.trim();
      if (parts.codeRow.hidden) {
        const result = await authed("POST", API.verifyStart, { email: address });
        if (!result.ok) return showError(parts.error, problemText(result));
        parts.codeRow.hidden = false;
        parts.submit.textContent = "Continue";
        parts.code.focus();
        return;
      }
      const result = await authed("POST", API.verifyFinish, { email: address, code: parts.code.value.trim() });
      if (!result.ok || !result.data) return showError(parts.error, problemText(result));
      adoptSession(result.data);
      parts.details.remove();
      refreshMessages();
    } catch (failure) {
      showError(parts.error, failureText(failure));
    } finally {
      parts.submit.disabled = false;
    }
  }

  function buildComposer() {
    ui.text = el("textarea", { id: "composer-text", "aria-label": "Message", rows: "1", placeholder: "Write a message…" });
    ui.file = el("input", {
      id: "composer-file", type: "file", accept: IMAGE_TYPES.join(","), class: "visually-hidden",
      tabindex: "-1", "aria-label": "Attach an image",
    });
    ui.attach = el("button", { type: "button", class: "icon-button attach", "aria-label": "Attach an image", title: "Attach an image" }, icon(ICONS.attach));
    ui.send = el("button", { type: "submit", id: "composer-send", class: "primary" }, "Send");
    ui.fileName = el("span", { class: "file-name" });
    const remove = el("button", { type: "button", class: "link-button" }, "Remove");
    ui.removeFile = remove;
    ui.chosen = el("div", { class: "attachment", hidden: true }, ui.fileName, remove);
    const form = el("form", { id: "composer", class: "composer" }, ui.chosen,
      el("div", { class: "composer-row" }, ui.attach, ui.file, ui.text, ui.send));

    ui.text.addEventListener("keydown", sendOnEnter);
    ui.text.addEventListener("input", growComposer);
    ui.attach.addEventListener("click", () => ui.file.click());
    ui.file.addEventListener("change", fileChosen);
    remove.addEventListener("click", () => { clearFile(); ui.attach.focus(); });
    form.addEventListener("submit", (event) => { event.preventDefault(); sendMessage(); });
    return form;
  }

  function sendOnEnter(event) {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    sendMessage();
  }

  // Up to five lines; frame.css caps the height and scrolls beyond.
  function growComposer() {
    const text = ui.text;
    text.style.height = "auto";
    text.style.height = text.scrollHeight + (text.offsetHeight - text.clientHeight) + "px";
  }

  function chosenFile() {
    return ui.file.files && ui.file.files[0] ? ui.file.files[0] : null;
  }

  function fileChosen() {
    const file = chosenFile();
    if (!file) return clearFile();
    if (!IMAGE_TYPES.includes(file.type)) {
      clearFile();
      showError(ui.composerError, "Please choose a PNG, JPEG, GIF or WebP image.");
    } else if (file.size > MAX_IMAGE_BYTES) {
      clearFile();
      showError(ui.composerError, "That image is larger than 5 MB. Please choose a smaller one.");
    } else {
      showError(ui.composerError, "");
      ui.fileName.textContent = file.name;
      ui.removeFile.setAttribute("aria-label", "Remove " + file.name);
      ui.chosen.hidden = false;
    }
  }

  function clearFile() {
    ui.file.value = "";
    ui.fileName.textContent = "";
    ui.chosen.hidden = true;
  }

  function enterChat() {
    if (!ui.chat) ui.chat = buildChat();
    showView(ui.chat);
    refreshMessages();
    openEvents();
  }

  // ---- messages ----

  function isAtBottom() {
    const list = ui.list;
    return list.scrollHeight - list.scrollTop - list.clientHeight < 24;
  }

  function keepPinned() {
    if (state.pinned) ui.list.scrollTop = ui.list.scrollHeight;
  }

  function buildAttachment(attachment) {
    const url = safeUrl(attachment.url);
    if (!url) return null;
    const name = attachment.filename || "";
    const link = { href: url, target: "_blank", rel: "noopener noreferrer" };
    if (String(attachment.content_type || "").startsWith("image/")) {
      const image = el("img", { src: url, alt: name || "Image" });
      image.addEventListener("load", keepPinned);
      return el("a", Object.assign({ class: "image" }, link), image);
    }
    return el("a", Object.assign({ class: "file" }, link), name || "Attachment");
  }

  function buildMessage(message) {
    const fromVisitor = message.direction === "inbound";
    const item = el("li", { class: fromVisitor ? "msg visitor" : "msg business", "data-id": message.id },
      el("span", { class: "visually-hidden" }, fromVisitor ? "You:" : settings.title + ":"));
    if (message.text) item.append(el("p", { class: "text" }, message.text));
    for (const attachment of message.attachments || []) {
      const node = buildAttachment(attachment);
      if (node) item.append(node);
    }
    item.append(el("time", { datetime: message.created_at }, shortTime(message.created_at)));
    return item;
  }

  function addMessage(message) {
    if (!message || message.id == null || state.items.has(message.id)) return;
    const item = buildMessage(message);
    state.items.set(message.id, item);
    ui.list.append(item);
  }

  function updateReceipt() {
    const last = state.messages.filter((message) => message.direction === "inbound").pop();
    const item = last && state.items.get(last.id);
    if (!item) return ui.receipt.remove();
    const text = last.seen ? "Seen" : "Sent";
    if (ui.receipt.textContent !== text) ui.receipt.textContent = text;
    if (ui.receipt.parentNode !== item) item.append(ui.receipt);
  }

  function showMessages(messages) {
    const pinned = state.pinned;
    state.messages = messages;
    messages.forEach(addMessage);
    updateReceipt();
    state.pinned = pinned;
    keepPinned();
    if (state.open) rememberShown();
    reportUnread();
    scheduleMarkRead();
  }

  async function fetchMessages() {
    try {
      const result = await authed("GET", API.messages);
      if (result.ok && result.data && Array.isArray(result.data.messages)) showMessages(result.data.messages);
    } catch (error) {
      /* offline for now: the event stream's reconnection brings us back */
    }
  }

  // One fetch at a time; asking again meanwhile fetches once more after it.
  function refreshMessages() {
    if (loading) {
      reloadQueued = true;
      return loading;
    }
    loading = fetchMessages().finally(() => {
      loading = null;
      if (reloadQueued) {
        reloadQueued = false;
        refreshMessages();
      }
    });
    return loading;
  }

  // ---- sending ----

  function readImage(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.addEventListener("load", () => {
        const url = String(reader.result);
        resolve({ filename: file.name, content_type: file.type, data: url.slice(url.indexOf(",") + 1) });
      });
      reader.addEventListener("error", () => reject(reader.error));
      reader.readAsDataURL(file);
    });
  }

  function retryAfterSeconds(headers) {
    const seconds = Number(headers.get("Retry-After"));
    return seconds > 0 ? Math.ceil(seconds) : null;
  }

  function sendErrorText(result) {
    const detail = problemText(result);
    if (result.status !== 429) return detail;
    const seconds = retryAfterSeconds(result.headers);
    if (!seconds) return detail;
    const wait = "Please wait " + seconds + (seconds === 1 ? " second." : " seconds.");
    const hasDetail = result.data && result.data.detail;
    if (!hasDetail) return wait;
    return detail.includes(String(seconds)) ? detail : detail + " " + wait;
  }

  function setSending(sending) {
    state.sending = sending;
    ui.send.disabled = sending;
  }

  // Takes the sent text out of the box, keeping whatever was typed meanwhile.
  function clearSentText(sent) {
    const now = ui.text.value;
    if (now.trim() === sent) ui.text.value = "";
    else if (now.startsWith(sent)) ui.text.value = now.slice(sent.length).replace(/^\s+/, "");
    growComposer();
  }

  async function sendMessage() {
    if (state.sending) return;
    const text = ui.text.value.trim();
    const file = chosenFile();
    if (!text && !file) return ui.text.focus();
    const hadFocus = ui.send === document.activeElement;
    setSending(true);
    showError(ui.composerError, "");
    try {
      const image = file ? await readImage(file) : null;
      const result = await authed("POST", API.messages, { text, image });
      if (result.ok) {
        clearSentText(text);
        if (file === chosenFile()) clearFile();
        state.pinned = true;
        if (result.data && result.data.message) showMessages(state.messages.concat(result.data.message));
        refreshMessages();
      } else {
        showError(ui.composerError, sendErrorText(result));
      }
    } catch (error) {
      showError(ui.composerError, failureText(error));
    } finally {
      setSending(false);
    }
    if (hadFocus || !document.activeElement || document.activeElement === document.body) ui.text.focus();
  }

  // ---- live updates ----

  function closeEvents() {
    if (events) events.close();
    events = null;
  }

  function openEvents() {
    closeEvents();
    if (!state.token || !window.EventSource) return;
    const source = new EventSource(API.events + "?token=" + encodeURIComponent(state.token));
    source.addEventListener("changed", () => refreshMessages());
    source.addEventListener("open", () => { eventsRetry = 0; refreshMessages(); });
    source.addEventListener("error", () => { if (source.readyState === EventSource.CLOSED) recoverEvents(source); });
    events = source;
  }

  // The browser gave up (the token expired, the server refused): a new session, then again,
  // waiting longer each time.
  function recoverEvents(source) {
    if (events !== source) return;
    closeEvents();
    eventsRetry = Math.min(eventsRetry + 1, 6);
    setTimeout(reconnectEvents, 1000 * 2 ** eventsRetry);
  }

  async function reconnectEvents() {
    if (events) return;
    try {
      await renewSession();
    } catch (error) {
      /* the stream's own failure brings us back here */
    }
    if (!events && ui.chat && ui.chat.isConnected) openEvents();
  }

  // ---- read receipts and the unread count ----

  function unreadBusinessMessages() {
    return state.messages.filter((message) => message.direction === "outbound" && message.status !== "read");
  }

  function rememberShown() {
    for (const message of state.messages) state.shownWhileOpen.add(message.id);
  }

  function reportUnread() {
    const count = state.open ? 0 : unreadBusinessMessages().filter((message) => !state.shownWhileOpen.has(message.id)).length;
    if (count === state.lastUnread) return;
    state.lastUnread = count;
    postToParent({ type: "switchboard:unread", count });
  }

  function canMarkRead() {
    return state.open && document.visibilityState === "visible" &&
      unreadBusinessMessages().some((message) => !state.readRequested.has(message.id));
  }

  function scheduleMarkRead() {
    if (!canMarkRead()) return;
    clearTimeout(readTimer);
    readTimer = setTimeout(markRead, 400);
  }

  async function markRead() {
    if (readInFlight || !canMarkRead()) return;
    const ids = unreadBusinessMessages().map((message) => message.id);
    readInFlight = true;
    try {
      const result = await authed("POST", API.read, {});
      if (result.ok) {
        ids.forEach((id) => state.readRequested.add(id));
        refreshMessages();
      }
    } catch (error) {
      /* tried again with the next change */
    } finally {
      readInFlight = false;
    }
  }

  // ---- keyboard: a focus trap and Escape ----

  function focusableElements() {
    return Array.from(document.querySelectorAll(FOCUSABLE)).filter((node) => node.getClientRects().length > 0);
  }

  function trapTab(event) {
    const items = focusableElements();
    if (items.length === 0) return;
    const first = items[0];
    const last = items[items.length - 1];
    const inside = items.includes(document.activeElement);
    if (event.shiftKey && (!inside || document.activeElement === first)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (!inside || document.activeElement === last)) {
      event.preventDefault();
      first.focus();
    }
  }

  function onKeydown(event) {
    if (event.key === "Tab") trapTab(event);
    else if (event.key === "Escape") requestClose();
  }

  // ---- start ----

  async function start() {
    showView(statusView("Connecting…"));
    try {
      await renewSession();
    } catch (error) {
      const canRetry = !(error instanceof Problem) || error.status >= 500 || error.status === 429;
      showView(problemView(failureText(error), canRetry));
      return;
    }
    if (needsPrechat()) showView(buildPrechat());
    else enterChat();
  }

  function init() {
    document.documentElement.style.setProperty("--sb-color", settings.color);
    window.addEventListener("message", onParentMessage);
    document.addEventListener("keydown", onKeydown);
    document.addEventListener("visibilitychange", scheduleMarkRead);
    postToParent({ type: "switchboard:config", color: settings.color, position: settings.position, title: settings.title });
    buildShell();
    start();
  }

  init();
})();
