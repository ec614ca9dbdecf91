/* crosstalk — sources (loaded with defer; no inline scripts: CSP). */
/* Source comments show their translation first; "Show original" / "Hide original" reveals the
   original, and the reader's last choice is kept in localStorage (never a cookie: the shared
   page stays cacheable) and applied to every source comment on the pages they open later.
   Without JavaScript the original stays shown and the toggle hidden.
   "Reply to this" fills the page's comment form with the quoted source comment in place;
   without JavaScript it is a link to ?quote=<id>#comment-form, which the server renders. */
(function () {
  "use strict";
  var doc = document;
  var KEY = "crosstalk:show-original";
  var QUOTE_LENGTH = 280;

  function storedChoice() {
    try { return localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }

  function storeChoice(shown) {
    try { localStorage.setItem(KEY, shown ? "1" : "0"); } catch (e) { /* private mode: no memory */ }
  }

  function setOriginal(button, shown) {
    var original = doc.getElementById(button.getAttribute("aria-controls"));
    if (!original) return;
    original.hidden = !shown;
    button.setAttribute("aria-expanded", shown ? "true" : "false");
    button.textContent = shown ? button.getAttribute("data-hide-label") : button.getAttribute("data-show-label");
  }

  var shownByChoice = storedChoice();
  doc.querySelectorAll(".source-comment .original-toggle[aria-controls]").forEach(function (button) {
    setOriginal(button, shownByChoice);
    button.hidden = false;
  });

  doc.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".source-comment .original-toggle[aria-controls]");
    if (!button) return;
    var shown = button.getAttribute("aria-expanded") !== "true";
    setOriginal(button, shown);
    storeChoice(shown);
  });

  /* Quote a netizen: only where the page has the reader's form (signed-in, comments open). */
  function mainForm() {
    var form = doc.getElementById("comment-form");
    if (!form || form.tagName !== "FORM") return null;
    var box = form.querySelector(".form-quote");
    var field = form.querySelector('input[name="source_comment"]');
    return box && field ? { form: form, box: box, field: field } : null;
  }

  function element(tag, className, text) {
    var node = doc.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function shortText(text) {
    text = text.replace(/\s+/g, " ").trim();
    return text.length > QUOTE_LENGTH ? text.slice(0, QUOTE_LENGTH - 1) + "…" : text;
  }

  function quoteInto(parts, link) {
    var source = link.closest(".source-comment");
    var id = link.getAttribute("data-quote");
    if (!source || !id) return false;
    var translation = source.querySelector("p");
    var quote = parts.box.querySelector(".comment-quote");
    if (!quote) {
      quote = element("blockquote", "comment-quote");
      parts.box.insertBefore(quote, parts.box.firstChild);
    }
    quote.textContent = "";
    var meta = element("p", "comment-quote-source", parts.box.getAttribute("data-label-quoting") + " ");
    meta.appendChild(element("span", "platform-badge", link.getAttribute("data-platform-label")));
    meta.appendChild(doc.createTextNode(" · "));
    var anchor = element("a", "", parts.box.getAttribute("data-label-link"));
    anchor.href = "#" + source.id;
    meta.appendChild(anchor);
    quote.appendChild(meta);
    quote.appendChild(element("p", "comment-quote-text", shortText(translation ? translation.textContent : "")));
    parts.field.value = id;
    parts.box.hidden = false;
    return true;
  }

  doc.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.source-reply[data-quote]");
    if (!link) return;
    var parts = mainForm();
    if (!parts || !quoteInto(parts, link)) return; /* follow the link: log in, or the server's form */
    event.preventDefault();
    parts.form.scrollIntoView({ block: "start" });
    var body = parts.form.querySelector("textarea[name=body]");
    if (body) body.focus({ preventScroll: true });
  });

  doc.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".form-quote .form-quote-remove");
    if (!link) return;
    var parts = mainForm();
    if (!parts || !parts.box.contains(link)) return;
    event.preventDefault();
    parts.field.value = "";
    var quote = parts.box.querySelector(".comment-quote");
    if (quote) quote.textContent = "";
    parts.box.hidden = true;
    var body = parts.form.querySelector("textarea[name=body]");
    if (body) body.focus();
  });
})();
