/*
 * OpenClassrooms support assistant: chat widget for Rasa's REST channel.
 * Vanilla JS, no dependency, no build step. Embed with:
 *   <link rel="stylesheet" href="widget.css">
 *   <script src="widget.js" data-token="<signed JWT>" data-rasa-url="https://bot.example" defer></script>
 * data-token is the signed-in user's identity token, signed by the mentor space's backend (see
 * README "Signed identity"); it is sent as `Authorization: Bearer` with every message. When the
 * page defines `window.ocbotGetToken()` (returning a token, or a Promise of one), the widget asks
 * it for a fresh token before each message, so a short-lived token never runs out. Without a
 * token the widget is anonymous and `data-role` (mentor/coach) is sent as metadata; an anonymous
 * widget first asks the server for a signed sender id (POST /webhooks/rest/session), the only
 * kind of anonymous id the server accepts, and keeps it with the history.
 *
 * Files: the 📎 button attaches one file to the next message (images, PDF, office documents,
 * 10 MB; anything else is refused here in French, and checked again by the server by its bytes).
 * It travels base64-encoded in the message metadata, `attachment: {name, content_type, data}`
 * (channels/files.py); the history in localStorage keeps only its name.
 *
 * Security rule of this file: message content (bot or user) only ever reaches the page through
 * textContent / createTextNode / createElement. No HTML string is ever built from a message, so a
 * message containing markup is shown as text and never executed.
 */
(function () {
  "use strict";

  var STORE_PREFIX = "ocbot.widget.v1";
  var MAX_KEPT = 200; // messages kept in localStorage: enough for a conversation, bounded size
  var TIMEOUT_MS = 60000; // a ticket confirmation can take a few seconds; give up after a minute
  var ERROR_TEXT = "Le service est momentanément indisponible, réessayez dans un instant.";
  var MAX_FILE_BYTES = 10 * 1024 * 1024; // actions/tickets/attachments.py: MAX_BYTES
  var FILE_TYPES = ["png", "jpg", "jpeg", "gif", "webp", "pdf", "doc", "docx", "xls", "xlsx",
    "ppt", "pptx", "odt", "ods", "odp"];
  var FILE_TYPE_TEXT = "Ce type de fichier n'est pas accepté. Vous pouvez joindre une image " +
    "(PNG, JPEG, GIF, WebP), un PDF ou un document bureautique (Word, Excel, PowerPoint, " +
    "OpenDocument).";
  var FILE_SIZE_TEXT = "Ce fichier dépasse 10 Mo : je ne peux pas le joindre à votre demande. " +
    "Envoyez une version plus légère (par exemple une capture d'écran ou un PDF compressé).";
  var FILE_EMPTY_TEXT = "Ce fichier est vide : je ne peux pas le joindre à votre demande.";
  var FILE_READ_TEXT = "Je n'ai pas pu lire ce fichier. Enregistrez-le à nouveau et renvoyez-le.";
  var WELCOME = "Bonjour ! Je réponds aux questions des mentors et des coachs : candidature, " +
    "étudiants, facturation, sessions et soutenances… Posez votre question.";

  // ---- configuration ------------------------------------------------------------------------
  // `defer` scripts still have document.currentScript; the selector is a fallback for loaders.
  var script = document.currentScript || document.querySelector('script[src$="widget.js"]');
  var data = (script && script.dataset) || {};
  var role = data.role === "mentor" || data.role === "coach" ? data.role : null;
  var pageToken = data.token || null;
  var rasaUrl = (queryRasaUrl() || data.rasaUrl || "http://localhost:5005").replace(/\/+$/, "");

  // `?rasa=` exists for tests and local demos. It is honoured only for loopback addresses: a
  // crafted link must not be able to send a user's messages to someone else's server.
  function queryRasaUrl() {
    var value = new URLSearchParams(window.location.search).get("rasa");
    if (!value) return null;
    try {
      var url = new URL(value);
      var loopback = ["127.0.0.1", "localhost", "[::1]"].indexOf(url.hostname) !== -1;
      return (url.protocol === "http:" || url.protocol === "https:") && loopback ? url.origin : null;
    } catch (e) {
      return null;
    }
  }

  // ---- identity -----------------------------------------------------------------------------
  // The token's `sub`, read without checking the signature (the server checks it): only to keep
  // each signed-in user's history apart in this browser.
  function tokenSubject(token) {
    try {
      var part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      var sub = JSON.parse(window.atob(part + "===".slice((part.length + 3) % 4))).sub;
      return typeof sub === "string" ? sub : null;
    } catch (e) {
      return null;
    }
  }

  function currentToken() {
    if (typeof window.ocbotGetToken !== "function") return Promise.resolve(pageToken);
    return Promise.resolve(window.ocbotGetToken()).then(function (token) {
      if (typeof token === "string" && token) pageToken = token;
      return pageToken;
    }, function () { return pageToken; });
  }

  var subject = pageToken ? tokenSubject(pageToken) : null;
  var STORE_KEY = subject ? STORE_PREFIX + ".user." + subject : STORE_PREFIX;

  // ---- state (kept in localStorage so a page change or reload keeps the conversation) -------
  // `sender` is null until the server has issued one (anonymous), see sessionSender().
  function load() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(STORE_KEY) || "null");
      if (saved && Array.isArray(saved.messages)) {
        // An id this widget made up itself (older versions: a UUID) is no longer accepted.
        if (typeof saved.sender !== "string" || saved.sender.indexOf(".") === -1) {
          saved.sender = null;
        }
        return saved;
      }
    } catch (e) { /* storage disabled or corrupted: start afresh */ }
    return { sender: null, messages: [], open: false };
  }

  function save() {
    state.messages = state.messages.slice(-MAX_KEPT);
    try {
      window.localStorage.setItem(STORE_KEY, JSON.stringify(state));
    } catch (e) { /* private mode or quota: the widget still works for this page */ }
  }

  var state = load();
  var busy = false;

  // ---- small DOM helpers ---------------------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs.text;
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  // URLs become links, everything else stays text. Line breaks are kept by CSS (pre-wrap).
  var URL_RE = /https?:\/\/[^\s<>"]+/g;
  function richText(text) {
    text = String(text);
    var fragment = document.createDocumentFragment();
    var last = 0;
    text.replace(URL_RE, function (match, offset) {
      var href = match.replace(/[.,;:!?)\]»'’]+$/, ""); // "voir https://x.fr." ends with text
      fragment.appendChild(document.createTextNode(text.slice(last, offset)));
      fragment.appendChild(link(href) || document.createTextNode(href));
      last = offset + href.length;
      return match;
    });
    fragment.appendChild(document.createTextNode(text.slice(last)));
    return fragment;
  }

  function link(href) {
    var url;
    try { url = new URL(href); } catch (e) { return null; }
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    var a = el("a", { href: url.href, target: "_blank", rel: "noopener noreferrer", text: href });
    a.appendChild(el("span", { "class": "ocbot-sr", text: " (nouvel onglet)" }));
    return a;
  }

  // ---- the widget's markup (static: no message content here) ---------------------------------
  var launcher = el("button", {
    type: "button", "class": "ocbot-launcher", "aria-expanded": "false",
    "aria-controls": "ocbot-panel", text: "Besoin d'aide ?",
  });
  var log = el("div", {
    "class": "ocbot-log", role: "log", "aria-live": "polite", "aria-label": "Conversation",
    tabindex: "0", // lets keyboard users scroll a long history
  });
  var typing = el("div", { "class": "ocbot-typing", hidden: "" }, [
    el("span", { "class": "ocbot-dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]),
    el("span", { text: "L'assistant écrit…" }),
  ]);
  var input = el("input", {
    id: "ocbot-input", type: "text", autocomplete: "off", maxlength: "1000",
    placeholder: "Écrivez votre question…",
  });
  var send = el("button", { type: "submit", "class": "ocbot-send", text: "Envoyer" });
  var picker = el("input", {
    id: "ocbot-file", type: "file", "class": "ocbot-sr", tabindex: "-1", "aria-hidden": "true",
    accept: FILE_TYPES.map(function (t) { return "." + t; }).join(","),
  });
  var attach = el("button", {
    type: "button", "class": "ocbot-attach", "aria-label": "Joindre un fichier",
    title: "Joindre un fichier (image, PDF ou document bureautique, 10 Mo au plus)",
  }, [el("span", { "aria-hidden": "true", text: "📎" })]);
  var pendingName = el("span", { "class": "ocbot-pending-name" });
  var unattach = el("button", { type: "button", "class": "ocbot-unattach",
    "aria-label": "Retirer la pièce jointe" }, [el("span", { "aria-hidden": "true", text: "×" })]);
  var pendingBox = el("div", { "class": "ocbot-pending", hidden: "" }, [
    el("span", { "class": "ocbot-sr", text: "Pièce jointe : " }), pendingName, unattach,
  ]);
  var form = el("form", { "class": "ocbot-form" }, [
    el("label", { "for": "ocbot-input", "class": "ocbot-sr", text: "Votre message" }),
    attach, picker, input, send,
  ]);
  var reset = el("button", { type: "button", "class": "ocbot-reset", text: "Nouvelle conversation" });
  var close = el("button", { type: "button", "class": "ocbot-close", "aria-label": "Fermer l'assistant" },
    [el("span", { "aria-hidden": "true", text: "×" })]);
  var panel = el("section", {
    id: "ocbot-panel", "class": "ocbot-panel", role: "dialog", "aria-labelledby": "ocbot-title",
    hidden: "",
  }, [
    el("header", { "class": "ocbot-header" }, [
      el("h2", { id: "ocbot-title", text: "Assistant support" }),
      el("p", { text: "Mentors et coachs" }),
      reset, close,
    ]),
    log, typing, pendingBox, form,
  ]);
  var root = el("div", { "class": "ocbot" }, [panel, launcher]);

  // ---- rendering -----------------------------------------------------------------------------
  function bubble(kind, text) {
    var node = el("div", { "class": "ocbot-msg ocbot-" + kind });
    if (kind === "user") node.appendChild(el("span", { "class": "ocbot-sr", text: "Vous : " }));
    else node.appendChild(el("span", { "class": "ocbot-sr", text: "Assistant : " }));
    node.appendChild(kind === "bot" ? richText(text) : document.createTextNode(text));
    return node;
  }

  function renderMessage(message) {
    if (message.text) log.appendChild(bubble(message.from === "user" ? "user" : "bot", message.text));
    if (message.from === "bot" && message.buttons && message.buttons.length) {
      var group = el("div", { "class": "ocbot-buttons", role: "group", "aria-label": "Réponses proposées" });
      message.buttons.forEach(function (b) {
        var button = el("button", { type: "button", "class": "ocbot-choice", text: b.title });
        button.disabled = !!message.used; // a choice made before a reload stays made
        button.addEventListener("click", function () { choose(message, group, b); });
        group.appendChild(button);
      });
      log.appendChild(group);
    }
    log.scrollTop = log.scrollHeight;
  }

  function renderAll() {
    log.textContent = "";
    log.appendChild(bubble("bot", WELCOME)); // shown each time, never stored nor sent
    state.messages.forEach(renderMessage);
  }

  function add(message) {
    state.messages.push(message);
    save();
    renderMessage(message);
  }

  function setBusy(value) {
    busy = value;
    typing.hidden = !value;
    send.disabled = value;
    log.setAttribute("aria-busy", String(value));
    if (value) log.scrollTop = log.scrollHeight;
  }

  // ---- talking to Rasa -------------------------------------------------------------------------
  function headersFor(token) {
    var headers = { "Content-Type": "application/json" };
    if (token) headers.Authorization = "Bearer " + token;
    return headers;
  }

  // The sender id of this conversation. Anonymous, the server issues it (signed: nobody can
  // enter a conversation by guessing its id); signed in, the server takes the token's user and
  // ignores the sender, so none is asked.
  function sessionSender(token) {
    if (state.sender || token) return Promise.resolve(state.sender || "signed-in");
    var conversation = state;
    return fetch(rasaUrl + "/webhooks/rest/session", {
      method: "POST", headers: headersFor(token), body: "{}",
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(function (answer) {
      if (!answer || typeof answer.sender !== "string") throw new Error("no session");
      conversation.sender = answer.sender;
      if (state === conversation) save();
      return answer.sender;
    });
  }

  function post(text, file, retried) {
    return currentToken().then(function (token) {
      return sessionSender(token).then(function (sender) {
        var controller = window.AbortController ? new AbortController() : null;
        var timer = controller && setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
        // Under a token the server ignores the sender, and the role, e-mail and name of the
        // metadata: the token says who.
        var metadata = role ? { role: role } : {};
        if (file) metadata.attachment = file;
        var body = { sender: sender, message: text, metadata: metadata };
        return fetch(rasaUrl + "/webhooks/rest/webhook", {
          method: "POST",
          headers: headersFor(token),
          body: JSON.stringify(body),
          signal: controller ? controller.signal : undefined,
        }).then(function (response) {
          // The server no longer knows this id (its key changed): a new session, once.
          if (response.status === 403 && !token && !retried) {
            state.sender = null;
            return post(text, file, true);
          }
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        }).finally(function () { clearTimeout(timer); });
      });
    });
  }

  // `shown` is what the user's bubble says (a button's title), `sent` what Rasa receives.
  // Resolves true when the bot answered, false on a network error (already reported); `undo`
  // puts back what the caller changed before sending.
  function exchange(shown, sent, undo, file) {
    var conversation = state; // "Nouvelle conversation" while waiting: the late answer is dropped
    var mine = { from: "user", text: shown };
    setBusy(true);
    add(mine);
    return post(sent, file).then(function (replies) {
      if (state !== conversation) return true;
      (Array.isArray(replies) ? replies : []).forEach(function (r) {
        var buttons = (Array.isArray(r.buttons) ? r.buttons : []).filter(function (b) {
          return b && typeof b.title === "string" && typeof b.payload === "string";
        }).map(function (b) { return { title: b.title, payload: b.payload }; });
        var text = typeof r.text === "string" ? r.text : "";
        if (text || buttons.length) add({ from: "bot", text: text, buttons: buttons });
      });
      return true;
    }).catch(function () {
      if (state !== conversation) return false;
      // The message did not get through: take it out of the history (the user will send it
      // again) and say so in the log, where screen readers announce it.
      state.messages.splice(state.messages.indexOf(mine), 1);
      if (undo) undo();
      save();
      renderAll();
      log.appendChild(el("div", { "class": "ocbot-msg ocbot-error", role: "alert", text: ERROR_TEXT }));
      log.scrollTop = log.scrollHeight;
      return false;
    }).finally(function () { setBusy(false); });
  }

  // ---- the file attached to the next message ---------------------------------------------------
  var pending = null; // the File chosen, sent with the next message

  function alertText(text) {
    log.appendChild(el("div", { "class": "ocbot-msg ocbot-error", role: "alert", text: text }));
    log.scrollTop = log.scrollHeight;
  }

  function fileProblem(file) {
    var dot = file.name.lastIndexOf(".");
    var extension = dot === -1 ? "" : file.name.slice(dot + 1).toLowerCase();
    if (FILE_TYPES.indexOf(extension) === -1) return FILE_TYPE_TEXT;
    if (file.size > MAX_FILE_BYTES) return FILE_SIZE_TEXT;
    if (file.size === 0) return FILE_EMPTY_TEXT;
    return null;
  }

  function setPending(file) {
    pending = file;
    pendingName.textContent = file ? file.name : "";
    pendingBox.hidden = !file;
  }

  function readFile(file) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () {
        var url = String(reader.result); // data:<type>;base64,<data>
        resolve({ name: file.name, content_type: file.type || "", data: url.slice(url.indexOf(",") + 1) });
      };
      reader.onerror = function () { reject(reader.error); };
      reader.readAsDataURL(file);
    });
  }

  attach.addEventListener("click", function () { picker.click(); });
  picker.addEventListener("change", function () {
    var file = picker.files && picker.files[0];
    picker.value = ""; // choosing the same file again fires change again
    if (!file) return;
    var problem = fileProblem(file);
    if (problem) { alertText(problem); return; }
    setPending(file);
    input.focus();
  });
  unattach.addEventListener("click", function () { setPending(null); input.focus(); });

  form.addEventListener("submit", function (event) {
    event.preventDefault(); // Enter in the input lands here too
    var text = input.value.trim();
    var file = pending;
    if ((!text && !file) || busy) return;
    input.value = "";
    setPending(null);
    var shown = file ? "📎 " + file.name + (text ? "\n" + text : "") : text;
    var sending = file ? readFile(file) : Promise.resolve(null);
    sending.then(function (encoded) {
      return exchange(shown, text, null, encoded);
    }, function () {
      alertText(FILE_READ_TEXT);
      return false;
    }).then(function (ok) {
      if (!ok && !input.value) input.value = text; // nothing typed is lost
      if (!ok && file && !pending) setPending(file); // nor the file
      input.focus();
    });
  });

  function choose(message, group, b) {
    if (busy || message.used) return;
    message.used = true;
    save();
    setDisabled(group, true);
    input.focus(); // the focused button just got disabled: keep keyboard users in the panel
    exchange(b.title, b.payload, function () { message.used = false; }); // can be chosen again
  }

  function setDisabled(group, value) {
    Array.prototype.forEach.call(group.querySelectorAll("button"), function (b) { b.disabled = value; });
  }

  // ---- opening, closing, starting over ---------------------------------------------------------
  function setOpen(open, focusTarget) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    root.classList.toggle("ocbot-open", open);
    state.open = open;
    save();
    if (open) log.scrollTop = log.scrollHeight;
    if (focusTarget) focusTarget.focus();
  }

  launcher.addEventListener("click", function () {
    var open = panel.hidden;
    setOpen(open, open ? input : null);
  });
  close.addEventListener("click", function () { setOpen(false, launcher); });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { event.preventDefault(); setOpen(false, launcher); }
  });
  reset.addEventListener("click", function () {
    // Anonymous: a new sender id gives a fresh conversation on the Rasa side too (no half-filled
    // form). Signed in, the server keeps the user's one conversation (user:<sub>); only what
    // this browser shows is cleared.
    state = { sender: null, messages: [], open: true }; // a new id is asked at the next message
    save();
    renderAll();
    input.value = "";
    setPending(null);
    input.focus();
  });

  function start() {
    document.body.appendChild(root);
    renderAll();
    if (state.open) setOpen(true); // no focus steal on page load
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
