/* The site search box: the navigation's pages and data/search-index.js (loaded on first use), ranked by
   where the words match. Uses the helpers site.js shares as window.SITEGEN_UI, so it loads after site.js. */
(function (ui) {
  "use strict";
  var t = ui.t, each = ui.each, own = ui.own, ROOT = ui.root, collator = ui.collator;
  var input = document.getElementById("site-search"), list = document.getElementById("search-results");
  if (!input || !list) return;
  var kinds = { customer: t("Customer"), owner: t("Owner"), playbook: t("Playbook"), report: t("Report"), page: t("Page") };
  function load() {
    if (window.SITEGEN_SEARCH || document.getElementById("search-index")) return;
    var s = document.createElement("script");
    s.id = "search-index";
    s.src = ROOT + "data/search-index.js";
    s.onload = run;
    document.body.appendChild(s);
  }
  function entries() {
    var pages = [];
    each(".topbar nav a", function (a) { pages.push([a.textContent, a.getAttribute("href").slice(ROOT.length), "page", ""]); });
    return pages.concat(window.SITEGEN_SEARCH || []);
  }
  function run() {
    var q = input.value.trim().toLowerCase();
    list.innerHTML = "";
    if (!q) { list.hidden = true; return; }
    var words = q.split(/\s+/), scored = [];
    entries().forEach(function (e) {
      var title = String(e[0]).toLowerCase(), hay = title + " " + String(e[3] || "").toLowerCase();
      for (var i = 0; i < words.length; i++) if (hay.indexOf(words[i]) === -1) return;
      scored.push([title.indexOf(q) === 0 ? 0 : title.indexOf(q) !== -1 ? 1 : 2, e]);
    });
    scored.sort(function (a, b) { return a[0] - b[0] || collator.compare(String(a[1][0]), String(b[1][0])); });
    scored.slice(0, 12).forEach(function (s) {
      var li = document.createElement("li"), a = document.createElement("a"), kind = document.createElement("span");
      a.href = ROOT + s[1][1];
      kind.className = "kind";
      kind.textContent = own(kinds, s[1][2]) || s[1][2];
      a.appendChild(kind);
      a.appendChild(document.createTextNode(s[1][0]));
      li.appendChild(a);
      list.appendChild(li);
    });
    if (!scored.length) { var li = document.createElement("li"); li.className = "none"; li.textContent = t("No matches"); list.appendChild(li); }
    list.hidden = false;
  }
  function links() { return Array.prototype.slice.call(list.querySelectorAll("a")); }
  input.addEventListener("focus", load);
  input.addEventListener("input", function () { load(); run(); });
  input.form.addEventListener("submit", function (event) {
    event.preventDefault();
    var first = links()[0];
    if (first) location.href = first.href;
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && links().length) { event.preventDefault(); links()[0].focus(); }
    if (event.key === "Escape") { list.hidden = true; }
  });
  list.addEventListener("keydown", function (event) {
    var all = links(), i = all.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && i < all.length - 1) { event.preventDefault(); all[i + 1].focus(); }
    if (event.key === "ArrowUp") { event.preventDefault(); (i > 0 ? all[i - 1] : input).focus(); }
    if (event.key === "Escape") { list.hidden = true; input.focus(); }
  });
  document.addEventListener("click", function (event) { if (!input.form.contains(event.target)) list.hidden = true; });
})(window.SITEGEN_UI);
