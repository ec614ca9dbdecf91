/* Keyboard shortcuts for the moderation queue, its review page and the removal form.
   Progressive enhancement: every shortcut presses a button or fills a field of the plain
   forms, which work the same without this script. Keys never act while the moderator types
   in a field (input, textarea, select, contenteditable) or holds a modifier. */
(function () {
  "use strict";

  var body = document.body;
  var help = document.getElementById("moderation-help");

  function isTyping(target) {
    if (!target || !target.closest) return false;
    return Boolean(
      target.isContentEditable ||
        target.closest("input, textarea, select, [contenteditable]:not([contenteditable='false'])")
    );
  }

  function showHelp() {
    if (help && typeof help.showModal === "function" && !help.open) help.showModal();
  }

  var opener = document.querySelector(".moderation-help-open");
  if (opener && help) {
    opener.hidden = false;
    opener.addEventListener("click", showHelp);
  }

  /* Pressing Enter on the rule list submits the removal it belongs to. */
  function submitOnEnter(select, button) {
    if (!select || !button) return;
    select.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && select.value) {
        event.preventDefault();
        button.click();
      }
    });
  }

  /* Move the current item (row or comment) by step; return the new one. */
  function mover(items, current, onMove) {
    var index = items.indexOf(current);
    return function (step) {
      if (!items.length) return;
      index = Math.min(Math.max(index + step, 0), items.length - 1);
      onMove(items[index]);
    };
  }

  var handlers = {};

  if (body.classList.contains("moderation-queue")) {
    var rows = Array.prototype.slice.call(document.querySelectorAll("#result_list tbody tr"));
    var currentRow = null;
    var moveRow = mover(rows, null, function (row) {
      if (currentRow) currentRow.classList.remove("is-current");
      currentRow = row;
      row.classList.add("is-current");
      var link = row.querySelector(".queue-review");
      if (link) link.focus();
      row.scrollIntoView({ block: "nearest" });
    });
    var runAction = function (name) {
      var form = document.getElementById("changelist-form");
      var select = form && form.querySelector("select[name=action]");
      var go = form && form.querySelector("button[name=index]");
      if (!select || !go || !select.querySelector("option[value='" + name + "']")) return;
      var checked = form.querySelectorAll("input.action-select:checked");
      if (!checked.length) {
        if (!currentRow) return;
        var box = currentRow.querySelector("input.action-select");
        if (!box) return;
        box.click();
      }
      select.value = name;
      go.click();
    };
    handlers = {
      j: function () { moveRow(1); },
      k: function () { moveRow(-1); },
      a: function () { runAction("approve"); },
      r: function () { runAction("remove"); },
      s: function () { runAction("mark_spam"); },
    };
  } else if (body.classList.contains("moderation-review")) {
    var comments = Array.prototype.slice.call(
      document.querySelectorAll(".review-thread article.comment")
    );
    comments.forEach(function (comment) { comment.tabIndex = -1; });
    var moveComment = mover(comments, document.querySelector(".review-thread .is-focus"),
      function (comment) {
        comment.focus();
        comment.scrollIntoView({ block: "nearest" });
      });
    var press = function (selector) {
      var button = document.querySelector(selector);
      if (button) button.click();
    };
    var rule = document.querySelector(".review-form select[name=rule]");
    submitOnEnter(rule, document.querySelector(".review-remove-button"));
    handlers = {
      j: function () { moveComment(1); },
      k: function () { moveComment(-1); },
      a: function () { press(".review-approve"); },
      r: function () { if (rule) rule.focus(); },
      s: function () { press(".review-spam"); },
    };
  } else if (body.classList.contains("moderation-remove")) {
    var removeRule = document.querySelector(".moderation-remove-form select[name=rule]");
    if (removeRule) removeRule.focus();
    submitOnEnter(removeRule, document.querySelector(".moderation-remove-form [type=submit]"));
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (isTyping(event.target) || (help && help.open)) return;
    if (event.key === "?") {
      event.preventDefault();
      showHelp();
      return;
    }
    var handler = handlers[event.key];
    if (handler) {
      event.preventDefault();
      handler();
    }
  });
})();
