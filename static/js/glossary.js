/* crosstalk — glossary (loaded with defer; no inline scripts: CSP).
 *
 * Each glossary term in a text is <a class="term" href="/glossary/#term-<slug>"
 * data-term="…" data-definition="…">. Without this script it is a plain link to the entry.
 * With it, hovering, focusing or tapping the link shows one shared popover,
 * #term-tooltip (role="tooltip"), and the link gets aria-describedby="term-tooltip" while it
 * shows, so a screen reader reads the definition with the link. Escape hides it; so does
 * leaving the link, or tapping elsewhere. With a mouse or keyboard the link still goes to the
 * entry (click, Enter); on a touch screen the first tap shows the definition and the second
 * follows the link.
 */
(function () {
  "use strict";

  var TIP_ID = "term-tooltip";
  var HIDE_DELAY_MS = 250; // time to move the pointer from the link onto the popover
  var tip = null;
  var current = null;
  var hideTimer = null;
  var lastPointer = "";
  var shownAtPointerDown = false;

  function ensureTip() {
    if (tip) return tip;
    tip = document.createElement("div");
    tip.id = TIP_ID;
    tip.className = "term-tooltip";
    tip.setAttribute("role", "tooltip");
    tip.hidden = true;
    var title = document.createElement("strong");
    title.className = "term-tooltip-title";
    var text = document.createElement("span");
    text.className = "term-tooltip-definition";
    tip.appendChild(title);
    tip.appendChild(document.createTextNode(" "));
    tip.appendChild(text);
    tip.addEventListener("mouseenter", cancelHide);
    tip.addEventListener("mouseleave", scheduleHide);
    document.body.appendChild(tip);
    return tip;
  }

  function termLink(node) {
    return node && node.closest ? node.closest("a.term") : null;
  }

  function place(link) {
    var rect = link.getBoundingClientRect();
    var width = tip.offsetWidth;
    var left = Math.max(8, Math.min(rect.left, document.documentElement.clientWidth - width - 8));
    var top = rect.bottom + 6;
    if (top + tip.offsetHeight > document.documentElement.clientHeight && rect.top > tip.offsetHeight + 6) {
      top = rect.top - tip.offsetHeight - 6; // no room below: above the link
    }
    tip.style.left = (left + window.scrollX) + "px";
    tip.style.top = (top + window.scrollY) + "px";
  }

  function show(link) {
    cancelHide();
    ensureTip();
    if (current && current !== link) current.removeAttribute("aria-describedby");
    current = link;
    tip.querySelector(".term-tooltip-title").textContent = link.getAttribute("data-term") || link.textContent;
    tip.querySelector(".term-tooltip-definition").textContent = link.getAttribute("data-definition") || "";
    tip.hidden = false;
    link.setAttribute("aria-describedby", TIP_ID);
    place(link);
  }

  function hide() {
    cancelHide();
    if (tip) tip.hidden = true;
    if (current) current.removeAttribute("aria-describedby");
    current = null;
  }

  function scheduleHide() {
    cancelHide();
    hideTimer = window.setTimeout(hide, HIDE_DELAY_MS);
  }

  function cancelHide() {
    if (hideTimer) window.clearTimeout(hideTimer);
    hideTimer = null;
  }

  document.addEventListener("mouseover", function (event) {
    var link = termLink(event.target);
    if (link) show(link);
  });
  document.addEventListener("mouseout", function (event) {
    var link = termLink(event.target);
    if (link && link === current && !link.contains(event.relatedTarget)) scheduleHide();
  });
  document.addEventListener("focusin", function (event) {
    var link = termLink(event.target);
    if (link) show(link);
  });
  document.addEventListener("focusout", function (event) {
    if (termLink(event.target) === current) hide();
  });
  document.addEventListener("keydown", function (event) {
    if ((event.key === "Escape" || event.key === "Esc") && current) hide();
  });
  document.addEventListener("pointerdown", function (event) {
    lastPointer = event.pointerType || "";
    var link = termLink(event.target);
    shownAtPointerDown = Boolean(link) && link === current && tip && !tip.hidden;
  });
  document.addEventListener("click", function (event) {
    var link = termLink(event.target);
    if (!link) {
      if (current && !(tip && tip.contains(event.target))) hide();
      return;
    }
    if ((lastPointer === "touch" || lastPointer === "pen") && !shownAtPointerDown) {
      event.preventDefault(); // the first tap shows the definition; the next one follows it
      show(link);
    }
  });
  window.addEventListener("resize", hide);
})();
