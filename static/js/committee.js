/* Committee pages: the live word count on nomination statements and the countdown to a call's deadline.
   No inline script (CSP); the server renders a fallback for both, and checks the word count itself. */
(function () {
  "use strict";

  // The same rule as members.nominations.count_words: split on whitespace; a token counts if it has a
  // letter or digit (so "well-known" is one word and a lone dash is none).
  function countWords(text) {
    var tokens = text.split(/\s+/);
    var n = 0;
    for (var i = 0; i < tokens.length; i++) {
      if (/[\p{L}\p{N}_]/u.test(tokens[i])) { n++; }
    }
    return n;
  }

  var counter = document.getElementById("word-count");
  if (counter) {
    var textarea = document.getElementById(counter.getAttribute("data-for"));
    var output = counter.querySelector(".word-count-text");
    var limit = parseInt(textarea.getAttribute("data-word-limit"), 10);
    var lastOver = null;
    var update = function () {
      var words = countWords(textarea.value);
      var over = words > limit;
      output.textContent = words + " of " + limit + " words" + (over ? ": " + (words - limit) + " too many" : "");
      counter.classList.toggle("text-danger", over);
      counter.classList.toggle("fw-semibold", over);
      // Announce only when crossing the limit, not on every keystroke.
      counter.setAttribute("aria-live", over !== lastOver ? "polite" : "off");
      lastOver = over;
    };
    textarea.addEventListener("input", update);
    update();
  }

  var countdown = document.getElementById("countdown");
  if (countdown) {
    var deadline = new Date(countdown.getAttribute("data-deadline"));
    var text = countdown.querySelector(".countdown-text");
    var plural = function (n, unit) { return n + " " + unit + (n === 1 ? "" : "s"); };
    var tick = function () {
      var seconds = Math.floor((deadline - new Date()) / 1000);
      if (seconds <= 0) {
        text.textContent = "none: the deadline has passed";
        return;
      }
      var d = Math.floor(seconds / 86400), h = Math.floor(seconds % 86400 / 3600),
          m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
      var parts = [];
      if (d) { parts.push(plural(d, "day")); }
      if (d || h) { parts.push(plural(h, "hour")); }
      parts.push(plural(m, "minute"));
      if (!d) { parts.push(plural(s, "second")); }
      text.textContent = parts.length > 1 ? parts.slice(0, -1).join(", ") + " and " + parts[parts.length - 1] : parts[0];
      window.setTimeout(tick, 1000);
    };
    tick();
  }
})();
