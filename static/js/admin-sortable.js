// Reorder the source comments of an article's admin page by dragging a card (or with its
// "Move up" / "Move down" buttons, for the keyboard), then renumber their position fields in
// the order shown. Without this script the position numbers are typed by hand, as before.
"use strict";

(function () {
  const GROUP = ".source-comment-inline";
  // The admin page loads Django's JavaScript catalog (jsi18n) before this script.
  const t = (text) => (typeof window.gettext === "function" ? window.gettext(text) : text);

  function cards(group) {
    return Array.from(group.querySelectorAll(":scope > .inline-related:not(.empty-form)"));
  }

  function positionInput(card) {
    return card.querySelector("input[name$='-position']");
  }

  function isBlank(card) {
    // An extra form nobody filled in keeps its default, so saving it stays a no-op.
    const text = card.querySelector("textarea[name$='-text']");
    return card.classList.contains("has_original") === false && text && !text.value.trim();
  }

  function renumber(group) {
    let position = 1;
    for (const card of cards(group)) {
      const input = positionInput(card);
      if (!input || isBlank(card)) continue;
      input.value = String(position);
      position += 1;
    }
  }

  function move(group, card, offset) {
    const list = cards(group);
    const target = list[list.indexOf(card) + offset];
    if (!target) return;
    target.insertAdjacentElement(offset < 0 ? "beforebegin" : "afterend", card);
    renumber(group);
  }

  function button(label, onClick) {
    const el = document.createElement("button");
    el.type = "button";
    el.className = "sortable-move button";
    el.textContent = label;
    el.addEventListener("click", onClick);
    return el;
  }

  function enhance(group, card) {
    if (card.dataset.sortable) return;
    card.dataset.sortable = "on";
    card.draggable = true;
    const heading = card.querySelector("h3") || card;
    const handle = document.createElement("span");
    handle.className = "sortable-handle";
    handle.textContent = " ⠿ ";
    handle.title = t("Drag to reorder");
    handle.setAttribute("aria-hidden", "true");
    heading.prepend(handle);
    heading.append(
      button(t("Move up"), () => move(group, card, -1)),
      button(t("Move down"), () => move(group, card, 1)),
    );
    card.addEventListener("dragstart", (event) => {
      // Dragging starts from the card itself, never from text being selected in a field.
      if (event.target !== card) return;
      group.dataset.dragging = card.id;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.id);
    });
    card.addEventListener("dragover", (event) => {
      if (!group.dataset.dragging) return;
      event.preventDefault();
      const dragged = document.getElementById(group.dataset.dragging);
      if (!dragged || dragged === card) return;
      const box = card.getBoundingClientRect();
      const after = event.clientY > box.top + box.height / 2;
      card.insertAdjacentElement(after ? "afterend" : "beforebegin", dragged);
    });
    card.addEventListener("dragend", () => {
      delete group.dataset.dragging;
      renumber(group);
    });
  }

  function setUp(group) {
    for (const card of cards(group)) enhance(group, card);
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const group of document.querySelectorAll(GROUP)) setUp(group);
  });
  // "Add another source comment" (Django's inlines.js) announces each new form.
  document.addEventListener("formset:added", (event) => {
    const group = event.target.closest(GROUP);
    if (group) setUp(group);
  });
})();
