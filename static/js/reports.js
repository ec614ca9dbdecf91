/* crosstalk — reports (loaded with defer; no inline scripts: CSP).
   "Report a translation problem": a passage selected in the story (or a source comment) fills
   the report form's quote; a source comment's report link opens the article's own form with
   that comment's translation and id. Without JavaScript the form is a <details> at the
   article's foot, and each source comment's link leads to the report page, prefilled. */
(function () {
  "use strict";

  var doc = document;
  var details = doc.getElementById("report-translation");
  if (!details) return;
  var form = details.querySelector("form.report-form");
  var button = doc.getElementById("report-selection");
  var reportUrl = details.getAttribute("data-report-url");
  var picked = "";

  function plainClick(event) {
    return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
  }

  function field(name) {
    return form ? form.elements.namedItem(name) : null;
  }

  function limit(text) {
    var quote = field("quote");
    var max = quote && parseInt(quote.getAttribute("maxlength"), 10);
    return max ? text.slice(0, max) : text;
  }

  /* The text selected inside the story body or a source comment, or "". */
  function selectedPassage() {
    var selection = window.getSelection ? window.getSelection() : null;
    if (!selection || selection.isCollapsed || !selection.rangeCount) return "";
    var node = selection.getRangeAt(0).commonAncestorContainer;
    var element = node.nodeType === 1 ? node : node.parentElement;
    if (!element || !element.closest(".story-body, blockquote.source-comment")) return "";
    return selection.toString().replace(/\s+/g, " ").trim();
  }

  function openForm(quote, sourceId) {
    if (!form) {
      /* Not signed in: the report page asks to sign in, then shows the form prefilled. */
      var query = sourceId ? "source_comment=" + encodeURIComponent(sourceId)
                           : "quote=" + encodeURIComponent(limit(quote).slice(0, 1500));
      location.href = reportUrl + "?" + query;
      return;
    }
    details.open = true;
    var quoteField = field("quote");
    var sourceField = field("source_comment");
    if (quoteField && quote) quoteField.value = limit(quote);
    if (sourceField) sourceField.value = sourceId || "";
    details.scrollIntoView({ block: "start" });
    var next = field("suggestion");
    if (next) next.focus();
  }

  doc.addEventListener("selectionchange", function () {
    var text = selectedPassage();
    if (text) picked = text;
    if (button) button.hidden = !text;
  });

  if (button) {
    /* Keep the selection while the button is pressed (a click would collapse it first). */
    button.addEventListener("mousedown", function (event) { event.preventDefault(); });
    button.addEventListener("click", function () {
      openForm(selectedPassage() || picked, "");
      button.hidden = true;
    });
  }

  /* Opening the form by its summary takes the last passage selected, if the quote is empty. */
  details.addEventListener("toggle", function () {
    var quoteField = field("quote");
    if (details.open && quoteField && !quoteField.value && picked) {
      quoteField.value = limit(picked);
      var sourceField = field("source_comment");
      if (sourceField) sourceField.value = "";
    }
  });

  doc.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.report-source");
    if (!link || !plainClick(event) || !form) return;
    event.preventDefault();
    openForm(link.getAttribute("data-quote") || "", link.getAttribute("data-source-comment"));
  });
})();
