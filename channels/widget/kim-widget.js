/*
 * KIM Front Door chat widget. One file, no framework, no build step.
 *
 * Embed:  <script src="https://CHANNELS_HOST/widget/kim-widget.js" defer
 *                 data-language="de" data-municipality="Hagen" data-office="hagen"></script>
 *
 * data-language      language to start in (de ar ru bs tr fr en); else the browser's, else German
 * data-municipality  preset place (name or postal code): the assistant does not ask where they live
 * data-office        preset office id (its contact answers questions at once)
 * data-open="true"   open the chat when the page loads
 *
 * Everything lives in a shadow root (the page's styles cannot reach in, ours cannot leak out);
 * styles are a constructed stylesheet and there is no inline script or eval, so a strict
 * Content-Security-Policy works. Texts come from the server's catalogs (/api/chat/strings/LANG).
 * The session token is server-issued and kept in sessionStorage: it survives a reload of the tab
 * and ends with it (a shared computer does not show the next person the conversation).
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.kimChatWidget) return;

  var LANGUAGES = ["de", "ar", "ru", "bs", "tr", "fr", "en"];
  var BASE = script.getAttribute("data-endpoint") || new URL(script.src, location.href).origin;
  var PRESET = {
    language: pick(script.getAttribute("data-language")),
    place: script.getAttribute("data-municipality") || null,
    office: script.getAttribute("data-office") || null,
    open: script.getAttribute("data-open") === "true"
  };
  var KEY = "kim-chat:" + BASE + ":";
  var RETRY_DELAYS = [2, 4, 8, 15, 30];

  var CSS = [
    ":host{all:initial}",
    ".kim{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','Noto Sans Arabic',Tahoma,Arial,sans-serif;",
    "font-size:16px;line-height:1.45;color:#1d1d1b}",
    ".kim *,.kim *::before,.kim *::after{box-sizing:border-box}",
    ".launcher{position:fixed;inset-block-end:16px;inset-inline-end:16px;z-index:2147483000;display:flex;align-items:center;",
    "gap:8px;min-height:48px;padding-block:10px;padding-inline:16px;border:0;border-radius:24px;background:#00527f;color:#fff;",
    "font:inherit;font-weight:600;cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.3)}",
    ".launcher svg{width:24px;height:24px;fill:currentColor;flex:none}",
    ".panel{position:fixed;inset-block-end:16px;inset-inline-end:16px;z-index:2147483001;display:flex;flex-direction:column;",
    "width:min(400px,calc(100vw - 16px));height:min(640px,calc(100vh - 32px));background:#fff;border:1px solid #6b7075;",
    "border-radius:12px;box-shadow:0 4px 24px rgba(0,0,0,.3);overflow:hidden}",
    ".panel[hidden],.launcher[hidden],[hidden]{display:none}",
    "@media (max-width:480px){.panel{inset-inline-end:8px;inset-block-end:8px;height:calc(100vh - 16px)}.head{gap:4px;padding-inline:8px}.head select{max-width:6.5rem}h2{font-size:.95rem}}",
    ".head{display:flex;align-items:center;gap:8px;padding-block:8px;padding-inline:12px;background:#00527f;color:#fff}",
    "h2{flex:1 1 auto;min-width:0;margin:0;font-size:1.05rem;font-weight:600;overflow-wrap:anywhere}",
    ".head select{max-width:8.5rem;min-height:36px;font:inherit;font-size:.95rem;color:#1d1d1b;background:#fff;",
    "border:1px solid #fff;border-radius:6px;padding-inline:4px}",
    ".icon{flex:none;display:inline-flex;align-items:center;justify-content:center;min-width:40px;min-height:40px;padding:0;border:0;",
    "border-radius:6px;background:transparent;color:#fff;cursor:pointer}",
    ".icon svg{width:22px;height:22px;fill:currentColor}",
    ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#fff}",
    ".msg{max-width:88%;padding-block:8px;padding-inline:12px;border-radius:12px;overflow-wrap:anywhere}",
    ".msg p{margin:0;white-space:pre-line;unicode-bidi:plaintext;text-align:start}",
    ".bot{align-self:flex-start;background:#eef1f4;border-end-start-radius:4px}",
    ".user{align-self:flex-end;background:#00527f;color:#fff;border-end-end-radius:4px}",
    ".who{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    ".quick{display:flex;flex-wrap:wrap;gap:6px;align-self:flex-start;max-width:100%}",
    ".quick button{min-height:40px;padding-block:6px;padding-inline:12px;border:2px solid #00527f;border-radius:20px;",
    "background:#fff;color:#00527f;font:inherit;font-size:.95rem;cursor:pointer;text-align:start}",
    ".quick button:hover{background:#e5eef5}",
    ".cal{display:inline-block;margin-block-start:6px;color:#00527f;font-weight:600}",
    ".status{min-height:1.5em;padding-inline:12px;font-size:.9rem;color:#4a4f54}",
    ".dots{display:inline-flex;gap:3px;margin-inline-end:6px;vertical-align:middle}",
    ".dots i{width:6px;height:6px;border-radius:50%;background:#4a4f54;animation:kimblink 1.2s infinite ease-in-out}",
    ".dots i:nth-child(2){animation-delay:.2s}.dots i:nth-child(3){animation-delay:.4s}",
    "@keyframes kimblink{0%,80%,100%{opacity:.25}40%{opacity:1}}",
    ".alert{margin-inline:12px;margin-block-end:6px;padding:8px;border-inline-start:4px solid #b10e1e;background:#fdf0f1;",
    "color:#8a0b17;font-size:.95rem}",
    ".alert button,.confirm button{margin-block-start:6px;margin-inline-end:6px;min-height:36px;padding-inline:12px;",
    "border:2px solid currentColor;border-radius:6px;background:#fff;color:inherit;font:inherit;cursor:pointer}",
    ".confirm{padding:12px;background:#fff8e5;border-block-start:1px solid #6b7075}",
    ".confirm p{margin:0}",
    "form{display:flex;gap:8px;padding:8px;border-block-start:1px solid #6b7075}",
    "textarea{flex:1;min-height:44px;max-height:120px;resize:none;padding:10px;font:inherit;color:#1d1d1b;",
    "border:1px solid #6b7075;border-radius:8px}",
    ".send{min-width:48px;min-height:44px;border:0;border-radius:8px;background:#00527f;color:#fff;font:inherit;",
    "font-weight:600;cursor:pointer;padding-inline:12px}",
    ".note{margin:0;padding-inline:12px;padding-block-end:6px;font-size:.8rem;color:#4a4f54}",
    ":focus-visible{outline:3px solid #1d1d1b;outline-offset:2px;box-shadow:0 0 0 5px #ffdd00}",
    ".head :focus-visible{outline-color:#fff;box-shadow:0 0 0 5px #1d1d1b}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    "@media (prefers-reduced-motion:reduce){*{animation:none!important;transition:none!important}}",
    "@media (forced-colors:active){.msg,.quick button,.launcher,.send{border:1px solid CanvasText}}"
  ].join("");

  var ICONS = {
    chat: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z",
    close: "M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z",
    trash: "M9 3h6l1 2h4v2H4V5h4zm-3 6h12l-1 12H7z"
  };

  // ---------------------------------------------------------------------------------------------
  // small helpers

  function pick(code) {
    if (!code) return null;
    code = String(code).toLowerCase().slice(0, 2);
    if (code === "hr" || code === "sr") code = "bs";
    return LANGUAGES.indexOf(code) >= 0 ? code : null;
  }

  function browserLanguage() {
    var list = navigator.languages || [navigator.language];
    for (var i = 0; i < list.length; i++) {
      var code = pick(list[i]);
      if (code) return code;
    }
    return null;
  }

  var storage = {
    get: function (name) {
      try { return sessionStorage.getItem(KEY + name); } catch (e) { return null; }
    },
    set: function (name, value) {
      try {
        if (value === null) sessionStorage.removeItem(KEY + name); else sessionStorage.setItem(KEY + name, value);
      } catch (e) { /* storage blocked: the conversation just does not survive a reload */ }
    }
  };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    for (var name in attrs || {}) {
      if (attrs[name] === null || attrs[name] === undefined || attrs[name] === false) continue;
      if (name === "text") node.textContent = attrs[name];
      else if (name === "on") for (var ev in attrs.on) node.addEventListener(ev, attrs.on[ev]);
      else node.setAttribute(name, attrs[name] === true ? "" : attrs[name]);
    }
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function icon(name) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", ICONS[name]);
    svg.appendChild(path);
    return svg;
  }

  // Latin letters and digits inside Arabic text (a street, a phone number, "Jobcenter") are isolated
  // left-to-right, so their characters and punctuation keep their order.
  var LTR_RUN = /[+]?[0-9A-Za-z\u00C0-\u024F][0-9A-Za-z\u00C0-\u024F.,:;/@&()'’+\- ]*[0-9A-Za-z\u00C0-\u024F]|[0-9A-Za-z]/g;

  function paragraph(text, rtl) {
    var p = el("p");
    if (!rtl) { p.textContent = text; return p; }
    var last = 0;
    text.replace(LTR_RUN, function (match, offset) {
      if (offset > last) p.appendChild(document.createTextNode(text.slice(last, offset)));
      p.appendChild(el("bdi", { dir: "ltr", text: match }));
      last = offset + match.length;
      return match;
    });
    if (last < text.length) p.appendChild(document.createTextNode(text.slice(last)));
    return p;
  }

  // ---------------------------------------------------------------------------------------------
  // talking to the channels server

  function request(method, path, body) {
    var headers = { "Accept": "application/json" };
    var token = storage.get("token");
    if (token) headers["Authorization"] = "Bearer " + token;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(BASE + path, {
      method: method,
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
      cache: "no-store"
    }).then(function (response) {
      if (response.status === 204) return { status: 204, data: null, response: response };
      return response.json().then(
        function (data) { return { status: response.status, data: data, response: response }; },
        function () { return { status: response.status, data: {}, response: response }; }
      );
    });
  }

  function ensureSession() {
    if (storage.get("token")) return Promise.resolve();
    return request("POST", "/api/chat/session").then(function (result) {
      if (result.status !== 201 || !result.data.token) throw { code: result.data.code || "assistant_unavailable", result: result };
      storage.set("token", result.data.token);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // the widget

  var state = {
    language: pick(storage.get("language")) || PRESET.language || browserLanguage() || "de",
    strings: {},
    dir: "ltr",
    maxChars: 2000,
    pending: null,     // the message being sent: kept until the assistant has it
    retryTimer: null,
    retryCount: 0,
    busy: false
  };
  var ui = {};

  function t(name) { return state.strings[name] || name; }

  function loadStrings(language) {
    return request("GET", "/api/chat/strings/" + language).then(function (result) {
      if (result.status !== 200) throw { code: "network" };
      state.language = language;
      state.strings = result.data.strings;
      state.dir = result.data.dir;
      state.languages = result.data.languages;
      state.maxChars = result.data.max_chars || state.maxChars;
      storage.set("language", language);
    });
  }

  function build() {
    var host = el("div", { id: "kim-chat-widget" });
    var root = host.attachShadow({ mode: "open" });
    if (root.adoptedStyleSheets !== undefined && typeof CSSStyleSheet === "function" && "replaceSync" in CSSStyleSheet.prototype) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } else {
      root.appendChild(el("style", { text: CSS }));
    }
    ui.launcherText = el("span");
    ui.launcher = el("button", {
      type: "button", "class": "launcher", "aria-expanded": "false", "aria-controls": "kim-panel",
      on: { click: function () { openPanel(true); } }
    }, [icon("chat"), ui.launcherText]);
    ui.title = el("h2", { id: "kim-title" });
    ui.picker = el("select", { on: { change: function () { switchLanguage(ui.picker.value); } } });
    ui.deleteButton = el("button", { type: "button", "class": "icon", on: { click: askDelete } }, [icon("trash")]);
    ui.closeButton = el("button", { type: "button", "class": "icon", on: { click: closePanel } }, [icon("close")]);
    ui.log = el("div", { "class": "log", role: "log", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0" });
    ui.status = el("div", { "class": "status", role: "status" });
    ui.alert = el("div", { role: "alert" });
    ui.confirm = el("div", { "class": "confirm", hidden: true });
    ui.input = el("textarea", { id: "kim-input", rows: "1", autocomplete: "off", on: { keydown: onKey } });
    ui.inputLabel = el("label", { "for": "kim-input", "class": "sr" });
    ui.send = el("button", { type: "submit", "class": "send" });
    ui.note = el("p", { "class": "note" });
    ui.form = el("form", { on: { submit: onSubmit } }, [ui.inputLabel, ui.input, ui.send]);
    ui.panel = el("section", {
      id: "kim-panel", "class": "panel", role: "dialog", "aria-modal": "false", "aria-labelledby": "kim-title", hidden: true,
      on: { keydown: function (event) { if (event.key === "Escape") closePanel(); } }
    }, [el("div", { "class": "head" }, [ui.title, ui.picker, ui.deleteButton, ui.closeButton]), ui.log, ui.status, ui.alert,
        ui.confirm, ui.form, ui.note]);
    ui.box = el("div", { "class": "kim" }, [ui.launcher, ui.panel]);
    root.appendChild(ui.box);
    document.body.appendChild(host);
  }

  function applyStrings() {
    ui.box.setAttribute("lang", state.language);
    ui.box.setAttribute("dir", state.dir);
    ui.launcherText.textContent = t("open");
    ui.title.textContent = t("title");
    ui.picker.setAttribute("aria-label", t("language"));
    ui.deleteButton.setAttribute("aria-label", t("delete"));
    ui.deleteButton.setAttribute("title", t("delete"));
    ui.closeButton.setAttribute("aria-label", t("close"));
    ui.closeButton.setAttribute("title", t("close"));
    ui.log.setAttribute("aria-label", t("conversation"));
    ui.input.setAttribute("placeholder", t("placeholder"));
    ui.input.setAttribute("maxlength", String(state.maxChars));
    ui.inputLabel.textContent = t("placeholder");
    ui.send.textContent = t("send");
    ui.note.textContent = t("privacy");
    while (ui.picker.firstChild) ui.picker.removeChild(ui.picker.firstChild);
    (state.languages || []).forEach(function (language) {
      ui.picker.appendChild(el("option", {
        value: language.code, lang: language.code, selected: language.code === state.language, text: language.name
      }));
    });
    if (state.typing) showTyping(true);
  }

  // --- messages ----------------------------------------------------------------------------------

  function clearQuickReplies() {
    var groups = ui.log.querySelectorAll(".quick");
    for (var i = 0; i < groups.length; i++) groups[i].parentNode.removeChild(groups[i]);
  }

  function addUser(text, language) {
    ui.log.appendChild(el("div", { "class": "msg user", lang: language, dir: "auto" }, [
      el("span", { "class": "who", text: t("you") + ": " }), el("p", { text: text, dir: "auto" })
    ]));
    scrollDown();
  }

  function addBot(message, language, interactive) {
    var rtl = language === "ar";
    var children = [el("span", { "class": "who", text: t("assistant") + ": " })];
    if (message.text) children.push(paragraph(message.text, rtl));
    if (message.calendar_url && /^https?:\/\//.test(message.calendar_url)) {
      children.push(el("a", { "class": "cal", href: message.calendar_url, download: "appointment.ics", text: t("calendar") }));
    }
    ui.log.appendChild(el("div", { "class": "msg bot", lang: language, dir: rtl ? "rtl" : "ltr" }, children));
    if (interactive && message.buttons && message.buttons.length) {
      var group = el("div", { "class": "quick", role: "group", lang: language, dir: rtl ? "rtl" : "ltr" });
      message.buttons.forEach(function (button) {
        group.appendChild(el("button", {
          type: "button", text: button.title, "data-payload": button.payload,
          on: { click: function () { clearQuickReplies(); send(button.payload, { shown: button.title }); } }
        }));
      });
      ui.log.appendChild(group);
    }
    scrollDown();
  }

  function scrollDown() { ui.log.scrollTop = ui.log.scrollHeight; }

  function showTyping(on) {
    state.typing = on;
    while (ui.status.firstChild) ui.status.removeChild(ui.status.firstChild);
    if (on) {
      ui.status.appendChild(el("span", { "class": "dots", "aria-hidden": "true" }, [el("i"), el("i"), el("i")]));
      ui.status.appendChild(document.createTextNode(t("typing")));
    }
  }

  function showAlert(code, extra) {
    while (ui.alert.firstChild) ui.alert.removeChild(ui.alert.firstChild);
    if (!code) { ui.alert.removeAttribute("class"); return; }
    var text = t(code).replace("{limit}", String(state.maxChars));
    var box = el("div", { "class": "alert", "data-code": code }, [el("p", { text: text })]);
    if (extra) box.appendChild(extra);
    ui.alert.appendChild(box);
  }

  // --- sending -------------------------------------------------------------------------------------

  function onKey(event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      onSubmit(event);
    }
  }

  function onSubmit(event) {
    event.preventDefault();
    var text = ui.input.value.trim();
    if (!text || state.pending) return;
    if (text.length > state.maxChars) { showAlert("message_too_long"); return; }
    ui.input.value = "";
    clearQuickReplies();
    send(text, { shown: text });
  }

  function send(text, options) {
    if (state.pending) return;
    if (options.shown) addUser(options.shown, state.language);
    state.pending = { text: text, shown: options.shown };
    state.retryCount = 0;
    deliver();
  }

  function deliver() {
    var pending = state.pending;
    if (!pending) return;
    clearTimeout(state.retryTimer);
    showTyping(true);
    var body = { text: pending.text, language: state.language };
    if (PRESET.place) body.place = PRESET.place;
    if (PRESET.office) body.office = PRESET.office;
    ensureSession()
      .then(function () { return request("POST", "/api/chat/messages", body); })
      .then(function (result) {
        if (result.status === 200) return delivered(result.data);
        var code = (result.data && result.data.code) || "assistant_unavailable";
        if (code === "no_session" && state.retryCount < 1) {
          storage.set("token", null);  // the server no longer knows this token: start afresh, once
          state.retryCount += 1;
          return deliver();
        }
        if (code === "message_too_long" || code === "invalid_message" || code === "too_large") {
          if (pending.shown === pending.text && !ui.input.value) ui.input.value = pending.text;  // nothing is lost
          state.pending = null;
          showTyping(false);
          showAlert(code);
          return;
        }
        var wait = parseInt(result.response.headers.get("Retry-After") || "", 10);
        failed(code, isNaN(wait) ? null : wait);
      })
      .catch(function (problem) { failed((problem && problem.code) || "network", null); });
  }

  function failed(code, wait) {
    showTyping(false);
    var delay = wait || RETRY_DELAYS[Math.min(state.retryCount, RETRY_DELAYS.length - 1)];
    state.retryCount += 1;
    var again = el("button", { type: "button", text: t("retry"), on: { click: function () { showAlert(null); deliver(); } } });
    showAlert(code, again);
    state.retryTimer = setTimeout(function () { deliver(); }, delay * 1000);
  }

  function delivered(data) {
    clearTimeout(state.retryTimer);
    state.pending = null;
    state.greeted = true;
    storage.set("greeted", "1");
    showTyping(false);
    showAlert(null);
    var language = pick(data.language) || state.language;
    var after = language !== state.language ? loadStrings(language).then(applyStrings, function () {}) : Promise.resolve();
    return after.then(function () {
      (data.messages || []).forEach(function (message, i) {
        addBot(message, language, i === data.messages.length - 1 || !!(message.buttons && message.buttons.length));
      });
    });
  }

  // --- panel, language, history, delete -----------------------------------------------------------------

  function openPanel(focus) {
    ui.panel.hidden = false;
    ui.launcher.hidden = true;
    ui.launcher.setAttribute("aria-expanded", "true");
    storage.set("open", "1");
    if (focus) ui.input.focus();
    scrollDown();
    if (!state.greeted && !state.pending && !ui.log.querySelector(".msg")) {
      send("/greet", {});  // the assistant's greeting and language choice; not shown as a message of theirs
    }
  }

  function closePanel() {
    ui.panel.hidden = true;
    ui.launcher.hidden = false;
    ui.launcher.setAttribute("aria-expanded", "false");
    storage.set("open", null);
    ui.launcher.focus();
  }

  function switchLanguage(language) {
    language = pick(language);
    if (!language || language === state.language) return;
    loadStrings(language).then(function () {
      applyStrings();
      var name = ui.picker.options[ui.picker.selectedIndex] ? ui.picker.options[ui.picker.selectedIndex].text : language;
      if (!state.pending) {
        clearQuickReplies();
        send('/choose_language{"language": "' + language + '"}', { shown: name });
      }
    }, function () { showAlert("network"); });
  }

  function restore() {
    if (!storage.get("token")) return Promise.resolve();
    ui.log.setAttribute("aria-busy", "true");
    return request("GET", "/api/chat/history").then(function (result) {
      if (result.status === 401) { storage.set("token", null); return; }
      if (result.status !== 200) return;
      var messages = result.data.messages || [];
      var language = pick(result.data.language) || state.language;
      messages.forEach(function (message, i) {
        if (message.from === "user") addUser(message.text, language);
        else addBot(message, language, i === messages.length - 1);
      });
      if (messages.length) state.greeted = true;
    }, function () {}).then(function () { ui.log.removeAttribute("aria-busy"); });
  }

  function askDelete() {
    while (ui.confirm.firstChild) ui.confirm.removeChild(ui.confirm.firstChild);
    var no = el("button", { type: "button", text: t("delete_no"), on: { click: function () { ui.confirm.hidden = true; ui.input.focus(); } } });
    var yes = el("button", { type: "button", text: t("delete_yes"), on: { click: deleteConversation } });
    ui.confirm.appendChild(el("p", { text: t("delete_question") }));
    ui.confirm.appendChild(yes);
    ui.confirm.appendChild(no);
    ui.confirm.hidden = false;
    no.focus();
  }

  function deleteConversation() {
    var done = function () {
      storage.set("token", null);
      storage.set("greeted", null);
      clearTimeout(state.retryTimer);
      state.pending = null;
      state.greeted = false;
      while (ui.log.firstChild) ui.log.removeChild(ui.log.firstChild);
      ui.confirm.hidden = true;
      showTyping(false);
      showAlert(null);
      ui.status.textContent = t("deleted");
      ui.input.focus();
    };
    if (!storage.get("token")) return done();
    request("DELETE", "/api/chat/session").then(function (result) {
      if (result.status === 204 || result.status === 401) done(); else showAlert(result.data.code || "assistant_unavailable");
    }, function () { showAlert("network"); });
  }

  // ---------------------------------------------------------------------------------------------

  function start() {
    build();
    state.greeted = storage.get("greeted") === "1";
    loadStrings(state.language)
      .catch(function () { return loadStrings("de"); })
      .then(applyStrings)
      .then(restore)
      .then(function () { if (storage.get("open") === "1" || PRESET.open) openPanel(false); });
  }

  window.kimChatWidget = { open: function () { openPanel(true); }, close: closePanel };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
