/*
 * Switchboard chat widget: the loader, served at /widget.js. A business pastes
 *   <script src="https://hub.example.com/widget.js" data-key="wc_…" async></script>
 * and this adds, styled only through el.style (the page's CSS is not ours), with no globals:
 *   - iframe#switchboard-frame: BASE/widget/frame/<key>?origin=<this page's origin>, the chat UI
 *     (frame.js); hidden until opened; a 380×600 panel above the bubble, full screen on phones;
 *   - button#switchboard-bubble: the launcher with an unread badge, shown once the frame posted
 *     its config (a page the server refuses to be framed by shows nothing).
 * postMessage: from the frame only when event.source is the iframe and event.origin BASE's;
 * to it with BASE's origin as target.
 *   frame -> page: switchboard:config {color, position: right|left, title}, switchboard:close,
 *                  switchboard:unread {count}
 *   page -> frame: switchboard:open (panel shown), switchboard:closed (panel hidden)
 */
(function () {
  "use strict";

  // Only available while this script first runs, so read it before anything else.
  const script = document.currentScript;
  if (!script || !script.src) return;
  const KEY = script.getAttribute("data-key");
  if (!KEY) {
    console.warn("Switchboard: the widget script needs a data-key attribute.");
    return;
  }

  const BASE_ORIGIN = new URL(script.src, location.href).origin;
  const FRAME_URL = BASE_ORIGIN + "/widget/frame/" + encodeURIComponent(KEY) +
    "?origin=" + encodeURIComponent(location.origin);
  const SVG_NS = "http://www.w3.org/2000/svg";
  const ON_TOP = "2147483000";
  const EDGE = "20px";
  const CHAT_ICON = "M12 3C7 3 3 6.6 3 11c0 2.2 1 4.2 2.7 5.6L5 21l4.3-2.3c.9.2 1.8.3 2.7.3 5 0 9-3.6 9-8s-4-8-9-8z";
  const CLOSE_ICON = "M6 6l12 12M18 6L6 18";
  const FONT = "600 12px/20px system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";
  const phoneScreen = window.matchMedia("(max-width: 480px)");

  const state = { ready: false, open: false, color: "#0d9488", side: "right", unread: 0 };
  let frame, bubble, badge, chatIcon, closeIcon;

  // Whatever the page's style sheets say about iframes, buttons, spans or SVG, undone.
  const NEUTRAL = {
    margin: "0", padding: "0", border: "0", "box-sizing": "border-box", float: "none",
    "min-width": "0", "min-height": "0", "max-width": "none", "max-height": "none",
    opacity: "1", visibility: "visible", transform: "none", filter: "none",
  };

  // Inline !important declarations win over anything the page's style sheets say.
  function setStyles(node, styles) {
    for (const [name, value] of Object.entries(styles)) node.style.setProperty(name, value, "important");
  }

  function create(tag, styles) {
    const node = tag === "svg" || tag === "path" ? document.createElementNS(SVG_NS, tag) : document.createElement(tag);
    setStyles(node, NEUTRAL);
    setStyles(node, styles);
    return node;
  }

  function buildFrame() {
    const node = create("iframe", {
      position: "fixed", "z-index": ON_TOP, display: "none", background: "#fff", "color-scheme": "light",
    });
    node.id = "switchboard-frame";
    node.title = "Chat with us";
    node.src = FRAME_URL;
    return node;
  }

  function buildIcon(path, filled) {
    const svg = create("svg", { width: "28px", height: "28px", "pointer-events": "none" });
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const shape = create("path", filled
      ? { fill: "#fff", stroke: "none" }
      : { fill: "none", stroke: "#fff", "stroke-width": "2.5", "stroke-linecap": "round" });
    shape.setAttribute("d", path);
    svg.append(shape);
    return svg;
  }

  function buildBadge() {
    const node = create("span", {
      position: "absolute", top: "-4px", right: "-4px", "min-width": "20px", height: "20px", padding: "0 6px",
      "border-radius": "10px", background: "#dc2626", color: "#fff", font: FONT, "text-align": "center",
      "box-shadow": "0 0 0 2px #fff", "pointer-events": "none",
    });
    node.setAttribute("aria-hidden", "true");
    return node;
  }

  function buildBubble() {
    const button = create("button", {
      position: "fixed", bottom: EDGE, "z-index": ON_TOP, width: "56px", height: "56px", "border-radius": "50%",
      color: "#fff", "box-shadow": "0 4px 16px rgba(0,0,0,.22)", cursor: "pointer", "align-items": "center",
      "justify-content": "center", "line-height": "0", outline: "none",
    });
    button.type = "button";
    button.id = "switchboard-bubble";
    button.setAttribute("aria-controls", "switchboard-frame");
    chatIcon = buildIcon(CHAT_ICON, true);
    closeIcon = buildIcon(CLOSE_ICON, false);
    badge = buildBadge();
    button.append(chatIcon, closeIcon, badge);
    button.addEventListener("click", () => setOpen(!state.open));
    button.addEventListener("keydown", (event) => { if (event.key === "Escape" && state.open) setOpen(false); });
    button.addEventListener("focus", showFocusRing);
    button.addEventListener("blur", () => setStyles(button, { outline: "none" }));
    return button;
  }

  // The page may have removed focus outlines from buttons: draw our own for keyboard users.
  function showFocusRing() {
    let keyboard = true;
    try { keyboard = bubble.matches(":focus-visible"); } catch (error) { /* an older browser: always show it */ }
    setStyles(bubble, { outline: keyboard ? "3px solid " + state.color : "none", "outline-offset": "3px" });
  }

  function panelStyles(near, far) {
    return {
      top: "auto", bottom: "88px", [near]: EDGE, [far]: "auto",
      width: "min(380px, calc(100vw - 40px))", height: "min(600px, calc(100vh - 100px))",
      "border-radius": "16px", "box-shadow": "0 12px 40px rgba(0,0,0,.2), 0 2px 8px rgba(0,0,0,.08)",
    };
  }

  const FULL_SCREEN = {
    top: "0", bottom: "0", left: "0", right: "0", width: "100%", height: "100%",
    "border-radius": "0", "box-shadow": "none",
  };

  function bubbleLabel() {
    if (state.open) return "Close chat";
    if (state.unread === 0) return "Open chat";
    return "Open chat (" + state.unread + (state.unread === 1 ? " unread message)" : " unread messages)");
  }

  // Brings both elements in line with the state.
  function render() {
    const fullScreen = state.open && phoneScreen.matches;
    const [near, far] = state.side === "left" ? ["left", "right"] : ["right", "left"];
    setStyles(frame, fullScreen ? FULL_SCREEN : panelStyles(near, far));
    setStyles(frame, { display: state.open ? "block" : "none" });
    setStyles(bubble, {
      display: state.ready && !fullScreen ? "flex" : "none", [near]: EDGE, [far]: "auto", background: state.color,
    });
    setStyles(chatIcon, { display: state.open ? "none" : "block" });
    setStyles(closeIcon, { display: state.open ? "block" : "none" });
    setStyles(badge, { display: state.unread > 0 && !state.open ? "block" : "none" });
    badge.textContent = state.unread > 99 ? "99+" : String(state.unread);
    bubble.setAttribute("aria-expanded", String(state.open));
    bubble.setAttribute("aria-label", bubbleLabel());
  }

  function postToFrame(message) {
    const target = frame.contentWindow;
    if (target) target.postMessage(message, BASE_ORIGIN);
  }

  function setOpen(open) {
    if (open === state.open || !state.ready) return;
    state.open = open;
    render();
    if (open) {
      frame.focus();
      postToFrame({ type: "switchboard:open" });
    } else {
      postToFrame({ type: "switchboard:closed" });
      bubble.focus();
    }
  }

  function applyConfig(config) {
    if (/^#[0-9a-f]{6}$/i.test(config.color)) state.color = config.color;
    state.side = config.position === "left" ? "left" : "right";
    state.ready = true;
    render();
    // The frame was reloaded while open: tell it again.
    if (state.open) postToFrame({ type: "switchboard:open" });
  }

  function setUnread(count) {
    state.unread = Math.max(0, Math.floor(Number(count))) || 0;
    render();
  }

  function onFrameMessage(event) {
    const source = frame.contentWindow;
    if (!source || event.source !== source || event.origin !== BASE_ORIGIN) return;
    const message = event.data;
    if (!message || typeof message !== "object") return;
    if (message.type === "switchboard:config") applyConfig(message);
    else if (message.type === "switchboard:close") setOpen(false);
    else if (message.type === "switchboard:unread") setUnread(message.count);
  }

  function watchScreenSize() {
    if (phoneScreen.addEventListener) phoneScreen.addEventListener("change", render);
    else if (phoneScreen.addListener) phoneScreen.addListener(render);
  }

  function mount() {
    if (document.getElementById("switchboard-frame")) return; // pasted twice
    frame = buildFrame();
    bubble = buildBubble();
    render();
    window.addEventListener("message", onFrameMessage);
    watchScreenSize();
    document.body.append(bubble, frame);
  }

  // With async the script may run from the <head>, before there is a body.
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount, { once: true });
})();
