/* crosstalk — progressive enhancement for the discussion. Everything here has a no-script path:
   reply links lead to the permalink's form, vote buttons submit the page's vote form, "Load more" is a
   link, the sort form has its own button. Loaded with `defer`; no inline scripts (CSP). */
(function () {
  "use strict";

  var doc = document;
  var DRAFT_PREFIX = "crosstalk:draft:";
  var uid = 0;

  /* Words the markup does not carry yet; a data-* attribute on the element wins when present. */
  var TEXT = {
    cancel: "Cancel",
    hideReplies: "Hide replies",
    showReplies: "Show replies ({n})",
    justNow: "just now",
    voteFailed: "Your vote could not be saved. Please try again.",
    networkError: "Your vote could not be sent: check your connection and try again."
  };

  function plainClick(event) {
    return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
  }

  /* The sort the thread on screen was rendered with. */
  function currentSort() {
    var thread = doc.querySelector("ol.thread[data-sort]");
    if (thread && thread.getAttribute("data-sort")) return thread.getAttribute("data-sort");
    var select = doc.querySelector("form.sort-form select[name=sort]");
    if (select && select.value) return select.value;
    return new URLSearchParams(location.search).get("sort") || "";
  }

  /* ---------- Drafts: typed text survives reloads and closed reply forms ---------- */

  function draftKey(form) {
    var parent = form.querySelector("input[name=parent]");
    return DRAFT_PREFIX + location.pathname + ":" + ((parent && parent.value) || "top");
  }

  function draftGet(key) {
    try { return sessionStorage.getItem(key); } catch (e) { return null; }
  }

  function draftSet(key, value) {
    try {
      if (value.trim()) sessionStorage.setItem(key, value);
      else sessionStorage.removeItem(key);
    } catch (e) { /* storage full or disabled: drafts are a convenience */ }
  }

  function draftRestore(form) {
    var area = form.querySelector("textarea[name=body]");
    if (!area || area.value) return;
    var saved = draftGet(draftKey(form));
    if (saved) area.value = saved;
  }

  function isCommentForm(form) {
    return form && form.matches && form.matches("form.comment-form") && !form.closest("template");
  }

  doc.addEventListener("input", function (event) {
    var area = event.target;
    if (area.tagName !== "TEXTAREA" || area.name !== "body") return;
    var form = area.form;
    if (isCommentForm(form)) draftSet(draftKey(form), area.value);
  });

  /* ---------- Inline reply ---------- */

  function renameIds(form, suffix) {
    var map = {};
    if (form.id) { map[form.id] = form.id + suffix; form.id += suffix; }
    form.querySelectorAll("[id]").forEach(function (el) {
      map[el.id] = el.id + suffix;
      el.id += suffix;
    });
    function fix(el, attr) {
      var ids = el.getAttribute(attr).split(/\s+/).map(function (id) { return map[id] || id; });
      el.setAttribute(attr, ids.join(" "));
    }
    form.querySelectorAll("label[for]").forEach(function (el) { fix(el, "for"); });
    form.querySelectorAll("[aria-describedby]").forEach(function (el) { fix(el, "aria-describedby"); });
    form.querySelectorAll("[aria-labelledby]").forEach(function (el) { fix(el, "aria-labelledby"); });
    form.querySelectorAll("[aria-controls]").forEach(function (el) { fix(el, "aria-controls"); });
  }

  function openReply(link, template) {
    var id = link.getAttribute("data-reply-to");
    var comment = link.closest("article.comment") || doc.getElementById("comment-" + id);
    var footer = comment && comment.querySelector(":scope > footer.comment-actions");
    if (!footer) return false;

    var open = comment.querySelector(":scope > form.inline-reply");
    if (open) {
      var existing = open.querySelector("textarea");
      if (existing) existing.focus();
      return true;
    }

    var source = template.content.querySelector("form");
    if (!source) return false;
    var form = source.cloneNode(true);
    uid += 1;
    renameIds(form, "-" + id + (uid > 1 ? "-" + uid : ""));
    form.classList.add("inline-reply");
    form.setAttribute("data-parent", id);

    var parent = form.querySelector("input[name=parent]");
    if (parent) parent.value = id;
    var sort = form.querySelector("input[name=sort]");
    if (sort) sort.value = currentSort() || sort.value;

    var submit = form.querySelector("button[type=submit], button:not([type])");
    var cancel = doc.createElement("button");
    cancel.type = "button";
    cancel.className = "button button-quiet reply-cancel";
    cancel.textContent = template.getAttribute("data-cancel-label") || TEXT.cancel;
    cancel.addEventListener("click", function () {
      form.remove();
      link.setAttribute("aria-expanded", "false");
      link.focus();
    });
    if (submit) submit.after(cancel);
    else form.appendChild(cancel);

    footer.after(form);
    link.setAttribute("aria-expanded", "true");
    draftRestore(form);
    var area = form.querySelector("textarea");
    if (area) {
      area.focus();
      area.setSelectionRange(area.value.length, area.value.length);
    }
    return true;
  }

  doc.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.reply-link[data-reply-to]");
    if (!link || !plainClick(event)) return;
    var template = doc.getElementById("reply-form-template");
    if (!template || !template.content) return;
    if (openReply(link, template)) event.preventDefault();
  });

  doc.addEventListener("submit", function (event) {
    var form = event.target;
    if (!isCommentForm(form) || event.defaultPrevented) return;
    try { sessionStorage.removeItem(draftKey(form)); } catch (e) { /* ignore */ }
  });

  /* ---------- Votes in place ---------- */
  /* Every vote button submits the page's one form#vote-form (formaction: the comment's vote
     URL), which holds the reader's CSRF token; the counts sit beside the buttons. */

  var lastVoteButton = null;
  doc.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.vote[name=value]");
    if (button) lastVoteButton = button;
  }, true);

  function voteMessage(box, text) {
    var span = box.querySelector(".vote-message");
    if (!text) {
      if (span) span.textContent = "";
      return;
    }
    if (!span) {
      span = doc.createElement("span");
      span.className = "vote-message";
      span.setAttribute("role", "status");
      box.appendChild(span);
    }
    span.textContent = text;
  }

  function votePress(box, value) {
    box.querySelectorAll("button[name=value]").forEach(function (button) {
      var own = Number(button.value);
      button.setAttribute("aria-pressed", String(own !== 0 && own === value));
    });
  }

  function voteApply(box, data) {
    var up = box.querySelector("[itemprop=upvoteCount]");
    var down = box.querySelector("[itemprop=downvoteCount]");
    if (up && data.upvotes != null) up.textContent = String(data.upvotes);
    if (down && data.downvotes != null) down.textContent = String(data.downvotes);
    votePress(box, Number(data.value));
  }

  function voteNavigate(form, button) {
    var hidden = form.querySelector("input[type=hidden][name=value]");
    if (!hidden) {
      hidden = doc.createElement("input");
      hidden.type = "hidden";
      hidden.name = "value";
      form.appendChild(hidden);
    }
    hidden.value = button.value;
    form.action = button.formAction;
    HTMLFormElement.prototype.submit.call(form);
  }

  doc.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form#vote-form") || !window.fetch) return;
    var button = event.submitter || lastVoteButton;
    if (!button || button.name !== "value" || button.form !== form) return;
    var box = button.closest(".comment-votes");
    if (!box) return;
    event.preventDefault();
    if (box.getAttribute("aria-busy") === "true") return;

    var body = new FormData(form);
    body.set("value", button.value);
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    box.setAttribute("aria-busy", "true");

    fetch(button.formAction, {
      method: "POST",
      headers: { "Accept": "application/json", "X-CSRFToken": token ? token.value : "" },
      body: body,
      credentials: "same-origin",
      redirect: "manual"
    }).then(function (response) {
      if (response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400)) {
        voteNavigate(form, button);
        return null;
      }
      var type = response.headers.get("Content-Type") || "";
      var parsed = type.indexOf("application/json") !== -1
        ? response.json().catch(function () { return {}; })
        : Promise.resolve({});
      return parsed.then(function (data) {
        if (response.ok && data && data.upvotes != null) {
          voteApply(box, data);
          voteMessage(box, "");
        } else {
          voteMessage(box, (data && data.error) || TEXT.voteFailed);
        }
      });
    }).catch(function () {
      voteMessage(box, TEXT.networkError);
    }).then(function () {
      box.removeAttribute("aria-busy");
    });
  });

  /* ---------- The reader's own state on a shared thread ---------- */
  /* The thread's markup is the same for every reader; #reader-state says what is this
     reader's: their votes (pressed), their comments (edit and delete links) and what others
     posted since their last visit (marked new). */

  function readerState() {
    var island = doc.getElementById("reader-state");
    if (!island) return null;
    try { return JSON.parse(island.textContent); } catch (e) { return null; }
  }

  function ownLink(className, href, label) {
    var link = doc.createElement("a");
    link.className = className;
    link.href = href;
    link.textContent = label;
    return link;
  }

  function applyReaderState() {
    var state = readerState();
    if (!state) return;
    Object.keys(state.votes || {}).forEach(function (id) {
      var box = doc.querySelector("#comment-" + id + " > .comment-actions > .comment-votes");
      if (box) votePress(box, Number(state.votes[id]));
    });
    var labels = state.labels || {};
    Object.keys(state.own || {}).forEach(function (id) {
      var footer = doc.querySelector("#comment-" + id + " > .comment-actions");
      if (!footer || footer.querySelector(".delete-link")) return;
      var permalink = footer.querySelector("a.permalink");
      var base = permalink ? permalink.getAttribute("href") : "/comments/" + id + "/";
      if (state.own[id]) {
        footer.appendChild(doc.createTextNode(" "));
        footer.appendChild(ownLink("edit-link", base + "edit/", labels.edit || "Edit"));
      }
      footer.appendChild(doc.createTextNode(" "));
      footer.appendChild(ownLink("delete-link", base + "delete/", labels.delete || "Delete"));
    });
    (state["new"] || []).forEach(function (id) {
      var comment = doc.getElementById("comment-" + id);
      if (comment) comment.classList.add("is-new");
    });
    // No "Flag" on one's own comments; "Flagged" (no link) on those already flagged.
    Object.keys(state.own || {}).forEach(function (id) {
      var flag = doc.querySelector("#comment-" + id + " > .comment-actions > .flag-link");
      if (flag) flag.remove();
    });
    (state.flagged || []).forEach(function (id) {
      var flag = doc.querySelector("#comment-" + id + " > .comment-actions > a.flag-link");
      if (!flag) return;
      var done = doc.createElement("span");
      done.className = "flag-link is-flagged";
      done.textContent = labels.flagged || "Flagged";
      flag.replaceWith(done);
    });
  }

  /* A message about one comment (tagged "for-comment-<id>", such as the thanks for a flag)
     moves beside that comment, where the reader is looking, instead of the top of the page. */

  function placeMessages() {
    doc.querySelectorAll(".messages .message[class*='for-comment-']").forEach(function (message) {
      var match = /\bfor-comment-(\d+)\b/.exec(message.className);
      var footer = match && doc.querySelector("#comment-" + match[1] + " > .comment-actions");
      if (!footer) return;
      var box = message.parentNode;
      message.setAttribute("role", "status");
      footer.after(message);
      if (box && !box.querySelector(".message")) box.remove();
    });
  }

  /* #follow-state (signed-in readers): which comments' replies they follow or muted. Each
     shown comment gets "Follow replies" and "Mute" buttons that submit the page's
     #follow-form (its CSRF token); without JavaScript, a comment's own page has them. */

  function followButton(id, action, label) {
    var button = doc.createElement("button");
    button.type = "submit";
    button.className = "link-button follow-toggle follow-" + action;
    button.setAttribute("form", "follow-form");
    button.setAttribute("formaction", "/comments/" + id + "/" + action + "/");
    button.textContent = label;
    return button;
  }

  function applyFollowState() {
    var island = doc.getElementById("follow-state");
    if (!island || !doc.getElementById("follow-form")) return;
    var state;
    try { state = JSON.parse(island.textContent); } catch (e) { return; }
    var labels = state.labels || {};
    var followed = {}, muted = {};
    (state.followed || []).forEach(function (id) { followed[id] = true; });
    (state.muted || []).forEach(function (id) { muted[id] = true; });
    doc.querySelectorAll("ol.thread article.comment:not(.comment-placeholder)").forEach(function (comment) {
      var footer = comment.querySelector(":scope > .comment-actions");
      if (!footer || footer.querySelector(".follow-toggle")) return;
      var id = comment.id.replace("comment-", "");
      footer.appendChild(doc.createTextNode(" "));
      footer.appendChild(followButton(id, "follow", followed[id] ? labels.unfollow : labels.follow));
      footer.appendChild(doc.createTextNode(" "));
      footer.appendChild(followButton(id, "mute", muted[id] ? labels.unmute : labels.mute));
    });
  }

  /* ---------- Collapse replies ---------- */

  function countComments(list) {
    return list ? list.querySelectorAll("article.comment").length : 0;
  }

  function enhanceToggles(root) {
    root.querySelectorAll("button.collapse-toggle[aria-controls]").forEach(function (button) {
      if (!button.hasAttribute("data-hide-label")) {
        button.setAttribute("data-hide-label", button.textContent.trim() || TEXT.hideReplies);
      }
      button.hidden = false;
    });
  }

  doc.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.collapse-toggle[aria-controls]");
    if (!button) return;
    var list = doc.getElementById(button.getAttribute("aria-controls"));
    if (!list) return;
    var expand = button.getAttribute("aria-expanded") === "false";
    list.hidden = !expand;
    button.setAttribute("aria-expanded", String(expand));
    if (expand) {
      button.textContent = button.getAttribute("data-hide-label") || TEXT.hideReplies;
    } else {
      var label = button.getAttribute("data-show-label") || TEXT.showReplies;
      button.textContent = label.replace("{n}", String(countComments(list)));
    }
  });

  /* ---------- Load more comments in place ---------- */

  doc.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.load-more");
    if (!link || !plainClick(event) || !window.fetch || !window.DOMParser) return;
    var section = link.closest("section.discussion") || doc;
    var thread = section.querySelector("ol.thread");
    var nav = link.closest("nav.thread-pages");
    if (!thread) return;
    event.preventDefault();
    if (link.getAttribute("aria-disabled") === "true") return;
    link.setAttribute("aria-disabled", "true");
    if (nav) nav.setAttribute("aria-busy", "true");
    var href = link.href;

    fetch(href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var incoming = page.querySelector("section.discussion ol.thread") || page.querySelector("ol.thread");
        if (!incoming) throw new Error("no thread in response");
        var first = null;
        Array.prototype.slice.call(incoming.children).forEach(function (child) {
          var held = child.matches("article.comment") ? child : child.querySelector("article.comment");
          if (held && held.id && doc.getElementById(held.id)) return;
          var node = doc.importNode(child, true);
          thread.appendChild(node);
          if (!first) first = node.matches("article.comment") ? node : node.querySelector("article.comment");
        });
        var nextNav = page.querySelector("nav.thread-pages");
        if (nav) {
          // Once the last page is in, every comment is on screen: the page links go too.
          if (nextNav && nextNav.querySelector("a.load-more")) {
            nextNav = doc.importNode(nextNav, true);
            // The earlier comments are already on this page: no way back to them is needed.
            nextNav.querySelectorAll("a[rel=prev]").forEach(function (a) { a.remove(); });
            nav.replaceWith(nextNav);
          } else {
            nav.remove();
          }
        }
        enhanceToggles(thread);
        refreshTimes();
        if (first) {
          if (!first.hasAttribute("tabindex")) first.setAttribute("tabindex", "-1");
          first.focus();
        }
      })
      .catch(function () {
        location.href = href;
      });
  });

  /* ---------- Relative times ---------- */

  var STEPS = [
    [31536000, "year"],
    [2592000, "month"],
    [86400, "day"],
    [3600, "hour"],
    [60, "minute"]
  ];
  var lang = doc.documentElement.lang || "en";
  var english = /^en\b/i.test(lang);
  var formatter = null;
  try {
    if (window.Intl && Intl.RelativeTimeFormat) {
      formatter = new Intl.RelativeTimeFormat(lang, { numeric: "always" });
    }
  } catch (e) { formatter = null; }

  function relative(seconds) {
    if (seconds < 60) {
      if (!english && formatter) {
        try { return new Intl.RelativeTimeFormat(lang, { numeric: "auto" }).format(0, "second"); } catch (e) { /* fall through */ }
      }
      return TEXT.justNow;
    }
    for (var i = 0; i < STEPS.length; i++) {
      if (seconds >= STEPS[i][0]) {
        var n = Math.floor(seconds / STEPS[i][0]);
        if (formatter) return formatter.format(-n, STEPS[i][1]);
        return n + " " + STEPS[i][1] + (n === 1 ? "" : "s") + " ago";
      }
    }
    return TEXT.justNow;
  }

  function refreshTimes() {
    var now = Date.now();
    doc.querySelectorAll("ol.thread time[itemprop=dateCreated][datetime]").forEach(function (el) {
      var when = Date.parse(el.getAttribute("datetime"));
      if (isNaN(when)) return;
      var text = relative(Math.max(0, Math.floor((now - when) / 1000)));
      if (el.textContent !== text) el.textContent = text;
    });
  }

  /* ---------- Sort on change ---------- */

  doc.addEventListener("change", function (event) {
    var select = event.target;
    if (select.id !== "sort" || !select.form || !select.form.matches("form.sort-form")) return;
    if (select.form.requestSubmit) select.form.requestSubmit();
    else select.form.submit();
  });

  /* ---------- Copy link ---------- */

  doc.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.share-copy[data-copy]");
    if (!link || !plainClick(event) || !navigator.clipboard) return;
    event.preventDefault();
    navigator.clipboard.writeText(link.getAttribute("data-copy")).then(function () {
      var note = link.parentNode.querySelector(".copy-note");
      if (!note) {
        note = doc.createElement("span");
        note.className = "copy-note";
        note.setAttribute("role", "status");
        link.parentNode.appendChild(note);
      }
      note.textContent = " " + (link.getAttribute("data-copied-label") || "Copied");
    });
  });

  /* ---------- Remember this visit (for "new since your last visit") ---------- */

  function recordVisit() {
    var section = doc.querySelector("section.discussion[data-visited-url]");
    var token = doc.querySelector("input[name=csrfmiddlewaretoken]");
    if (!section || !token || !window.fetch) return;
    fetch(section.getAttribute("data-visited-url"), {
      method: "POST",
      headers: { "X-CSRFToken": token.value },
      credentials: "same-origin",
      keepalive: true,
    }).catch(function () {});
  }

  /* ---------- A comment named in the URL (a new comment, a permalink) gets the focus ---------- */

  function focusTarget() {
    var match = /^#comment-\d+$/.exec(location.hash);
    var el = match && doc.getElementById(location.hash.slice(1));
    if (!el || doc.activeElement !== doc.body) return;
    if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
    el.focus({ preventScroll: true });
  }

  /* ---------- Start ---------- */

  function start() {
    applyReaderState();
    applyFollowState();
    placeMessages();
    focusTarget();
    enhanceToggles(doc);
    doc.querySelectorAll("form.comment-form").forEach(function (form) {
      if (!form.closest("template")) draftRestore(form);
    });
    refreshTimes();
    setInterval(refreshTimes, 60000);
    recordVisit();
  }

  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", start);
  else start();
})();

/* ---------- Live discussion: "3 new comments — show" ----------
   The page's .live-discussion box names the discussion state URL, the version and comment count
   the page was rendered with, the poll interval (seconds) and the translated labels. While the
   tab is visible the script asks every interval, doubles the wait after each unchanged answer
   (up to 5 minutes), starts again on a change or when the tab comes back, and stops when the
   discussion is quiet (no comment for 14 days). The browser revalidates each answer with its
   ETag, so an unchanged one is a 304. "Show" merges the new comments of a fresh copy of this page
   into the thread, leaving open reply forms, collapsed replies and loaded pages alone; without
   fetch it simply follows its link. */
(function () {
  "use strict";

  var doc = document;
  var MAX_DELAY = 300000;
  var box = doc.querySelector(".live-discussion[data-live-url]");
  if (!box || !window.fetch || !window.DOMParser) return;
  var link = box.querySelector("a.live-discussion-show");
  if (!link) return;

  var minDelay = (Number(box.getAttribute("data-live-interval")) || 20) * 1000;
  var delay = minDelay;
  var version = box.getAttribute("data-version");
  var seen = Number(box.getAttribute("data-comments")) || 0;
  var timer = null;
  var inFlight = false;
  var stopped = false;
  var lastPoll = Date.now();

  function label(n) {
    var text = box.getAttribute(n === 1 ? "data-label-one" : "data-label-other") || "{n}";
    return text.replace("{n}", String(n));
  }

  function showCount(n) {
    if (n > 0) {
      link.textContent = label(n);
      link.hidden = false;
    } else {
      link.hidden = true;
      link.textContent = "";
    }
  }

  function schedule(wait) {
    clearTimeout(timer);
    timer = null;
    if (stopped || doc.visibilityState !== "visible") return;
    timer = setTimeout(poll, wait);
  }

  function poll() {
    timer = null;
    if (inFlight || stopped) return;
    inFlight = true;
    lastPoll = Date.now();
    var url = box.getAttribute("data-live-url") + "?seen=" + encodeURIComponent(String(seen));
    fetch(url, { cache: "no-cache", credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (state) {
        var changed = String(state.version) !== version;
        version = String(state.version);
        showCount(Number(state["new"]) || 0);
        if (state.quiet) stopped = true;
        delay = changed ? minDelay : Math.min(delay * 2, MAX_DELAY);
      })
      .catch(function () {
        delay = Math.min(delay * 2, MAX_DELAY);
      })
      .then(function () {
        inFlight = false;
        schedule(delay);
      });
  }

  doc.addEventListener("visibilitychange", function () {
    if (doc.visibilityState !== "visible") {
      clearTimeout(timer);
      timer = null;
      return;
    }
    delay = minDelay;
    schedule(Math.max(0, minDelay - (Date.now() - lastPoll)));
  });

  /* ----- Show: merge the new comments in place ----- */

  function commentOf(node) {
    return node && node.parentElement ? node.parentElement.closest("article.comment") : null;
  }

  /* The element a comment hangs in its list by: its <li>, or itself when lists hold comments. */
  function itemOf(comment) {
    var item = comment;
    while (item.parentElement && !/^(OL|UL)$/.test(item.parentElement.tagName)) {
      item = item.parentElement;
    }
    return item.parentElement ? item : comment;
  }

  /* Return the list in this page that stands for `list` of the fresh page, made when missing. */
  function counterpartList(list, thread) {
    if (list.matches("ol.thread")) return thread;
    if (list.id && doc.getElementById(list.id)) return doc.getElementById(list.id);
    var parent = commentOf(list);
    var mine = parent && doc.getElementById(parent.id);
    if (!mine) return null;
    var toggle = parent.querySelector(":scope > button.collapse-toggle");
    if (toggle && !mine.querySelector(":scope > button.collapse-toggle")) {
      mine.appendChild(enhance(doc.importNode(toggle, true)));
    }
    var made = doc.importNode(list.cloneNode(false), true);
    mine.appendChild(made);
    return made;
  }

  function enhance(root) {
    var toggles = root.matches && root.matches("button.collapse-toggle") ? [root] : [];
    if (root.querySelectorAll) {
      toggles = toggles.concat(Array.prototype.slice.call(root.querySelectorAll("button.collapse-toggle[aria-controls]")));
    }
    toggles.forEach(function (button) {
      if (!button.hasAttribute("data-hide-label")) {
        button.setAttribute("data-hide-label", button.textContent.trim());
      }
      button.hidden = false;
    });
    return root;
  }

  function ownLinks(freshPage, ids) {
    var island = freshPage.getElementById("reader-state");
    var state = null;
    try { state = island ? JSON.parse(island.textContent) : null; } catch (e) { state = null; }
    if (!state || !state.own) return;
    var labels = state.labels || {};
    ids.forEach(function (id) {
      var pk = id.replace("comment-", "");
      if (!(pk in state.own)) return;
      var footer = doc.querySelector("#" + id + " > .comment-actions");
      if (!footer || footer.querySelector(".delete-link")) return;
      var permalink = footer.querySelector("a.permalink");
      var base = permalink ? permalink.getAttribute("href") : "/comments/" + pk + "/";
      [["edit-link", "edit/", labels.edit, state.own[pk]], ["delete-link", "delete/", labels["delete"], true]]
        .forEach(function (spec) {
          if (!spec[3] || !spec[2]) return;
          var a = doc.createElement("a");
          a.className = spec[0];
          a.href = base + spec[1];
          a.textContent = spec[2];
          footer.appendChild(doc.createTextNode(" "));
          footer.appendChild(a);
        });
    });
  }

  function merge(freshPage) {
    var thread = doc.querySelector("section.discussion ol.thread");
    var fresh = freshPage.querySelector("section.discussion ol.thread");
    if (!thread || !fresh) return null;
    var added = [];
    fresh.querySelectorAll("article.comment[id^='comment-']").forEach(function (comment) {
      if (doc.getElementById(comment.id)) return; // on screen already, or came in with its parent
      var item = itemOf(comment);
      var list = counterpartList(item.parentElement, thread);
      if (!list) return; // its parent is not on this page
      var before = item.previousElementSibling;
      var anchor = null;
      while (before && !anchor) {
        var held = before.matches("article.comment") ? before : before.querySelector("article.comment");
        var mine = held && doc.getElementById(held.id);
        if (mine && mine !== held) anchor = itemOf(mine);
        before = before.previousElementSibling;
      }
      var node = enhance(doc.importNode(item, true));
      if (anchor && anchor.parentElement === list) anchor.after(node);
      else list.insertBefore(node, list.firstElementChild);
      node.querySelectorAll("article.comment[id]").forEach(function (el) { added.push(el.id); });
      if (node.matches("article.comment")) added.push(node.id);
    });
    ["#discussion-title", ".story-header a.jump-to-discussion"].forEach(function (selector) {
      var mine = doc.querySelector(selector);
      var theirs = freshPage.querySelector(selector);
      if (mine && theirs) mine.innerHTML = theirs.innerHTML;
    });
    // The header's notifications link (signed-in readers): the fresh page has the new count.
    var bell = doc.querySelector("a.notifications-link");
    var freshBell = freshPage.querySelector("a.notifications-link");
    if (bell && freshBell) {
      bell.innerHTML = freshBell.innerHTML;
      bell.setAttribute("aria-label", freshBell.getAttribute("aria-label") || "");
    }
    ownLinks(freshPage, added);
    return added;
  }

  link.addEventListener("click", function (event) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    if (link.getAttribute("aria-busy") === "true") return;
    link.setAttribute("aria-busy", "true");
    var href = link.href.split("#")[0];
    fetch(href, { cache: "no-cache", credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var freshPage = new DOMParser().parseFromString(html, "text/html");
        var added = merge(freshPage);
        if (added === null) throw new Error("no thread in the page");
        var freshBox = freshPage.querySelector(".live-discussion[data-live-url]");
        if (freshBox) {
          version = freshBox.getAttribute("data-version");
          seen = Number(freshBox.getAttribute("data-comments")) || seen;
        }
        showCount(0);
        link.removeAttribute("aria-busy");
        added.forEach(function (id) { doc.getElementById(id).classList.add("is-new"); });
        var first = added.length ? doc.getElementById(added[0]) : null;
        if (first) {
          if (!first.hasAttribute("tabindex")) first.setAttribute("tabindex", "-1");
          first.focus();
        }
        delay = minDelay;
        schedule(delay);
      })
      .catch(function () {
        // Load the page itself; the same address with only a new #fragment would not reload.
        if (href === location.href.split("#")[0]) {
          location.hash = "discussion";
          location.reload();
        } else {
          location.href = link.href;
        }
      });
  });

  schedule(delay);
})();
