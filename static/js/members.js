/* Members: suggestions while typing areas of expertise (profile form).
   The field holds comma-separated names; we suggest completions for the last one, offering the whole
   field's value with that name completed, through the <datalist> the input points at. */
(function () {
  "use strict";

  function setUp(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.dataset.suggestUrl;
    if (!list || !url) { return; }
    var timer = null;
    var lastAsked = null;

    function refresh() {
      var value = input.value;
      var cut = value.lastIndexOf(",");
      var head = cut >= 0 ? value.slice(0, cut + 1) + " " : "";
      var word = value.slice(cut + 1).trim();
      if (word.length < 2 || word === lastAsked) { return; }
      lastAsked = word;
      fetch(url + "?q=" + encodeURIComponent(word), { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) {
          list.replaceChildren();
          var taken = value.toLowerCase().split(",").map(function (s) { return s.trim(); });
          data.suggestions.forEach(function (name) {
            if (taken.indexOf(name.toLowerCase()) !== -1 && name.toLowerCase() !== word.toLowerCase()) { return; }
            var option = document.createElement("option");
            option.value = head + name;
            list.appendChild(option);
          });
        })
        .catch(function () { /* suggestions are a help, not a requirement */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 200);
    });
  }

  document.querySelectorAll("input[data-suggest-url]").forEach(setUp);
})();
