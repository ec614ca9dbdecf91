// Username suggestions for the admin's sanction form: as the moderator types, fill the input's
// <datalist> from the moderators-only lookup (usernames and display names, never emails).
// Without this script the moderator types the exact username, which the form checks.
"use strict";

(function () {
  function attach(input) {
    const list = document.getElementById(input.getAttribute("list"));
    const url = input.getAttribute("data-autocomplete-url");
    if (!list || !url) return;
    let timer = null;
    let asked = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      const query = input.value.trim();
      if (!query || query === asked) return;
      timer = setTimeout(function () {
        asked = query;
        fetch(url + "?q=" + encodeURIComponent(query), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            list.replaceChildren();
            (data.results || []).forEach(function (user) {
              const option = document.createElement("option");
              option.value = user.username;
              if (user.display_name) option.label = user.display_name;
              list.appendChild(option);
            });
          })
          .catch(function () { /* suggestions are a convenience: typing still works */ });
      }, 200);
    });
  }

  function start() {
    document.querySelectorAll("input[data-autocomplete-url][list]").forEach(attach);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
