/* newsgloss: entity cards on hover and keyboard focus, and the search box. No request leaves the site:
   card data is embedded in the page (#entity-cards); search loads only the site's own pagefind/ bundle. */
(function () {
  "use strict";
  var root = document.body.getAttribute("data-root") || "./";
  var served = location.protocol === "http:" || location.protocol === "https:";

  /* ---- Search: hidden where it cannot work (opened from disk, or no JavaScript) ---- */
  function setUpSearch() {
    var boxes = document.querySelectorAll("[data-search]");
    for (var i = 0; i < boxes.length; i++) boxes[i].hidden = !served;
    var ui = document.querySelector("[data-search-ui]");
    if (!ui) return;
    if (!served) { ui.hidden = true; return; }
    var note = document.querySelector("[data-search-unavailable]");
    if (note) note.hidden = true;
    var bundle = ui.getAttribute("data-bundle");
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = bundle + "pagefind-ui.css";
    document.head.appendChild(css);
    var script = document.createElement("script");
    script.src = bundle + "pagefind-ui.js";
    script.onload = function () {
      var base = new URL(root, location.href).pathname;
      /* global PagefindUI */
      var search = new PagefindUI({ element: "#search", bundlePath: bundle, baseUrl: base,
                                    showSubResults: false, showImages: false, resetStyles: false });
      labelSearchInput(0);
      var q = new URLSearchParams(location.search).get("q");
      if (q) search.triggerSearch(q);
    };
    script.onerror = function () { if (note) note.hidden = false; ui.hidden = true; };
    document.head.appendChild(script);
  }

  /* pagefind's input has only a placeholder: give it a visible label */
  function labelSearchInput(tries) {
    var input = document.querySelector("#search input");
    if (!input) { if (tries < 40) setTimeout(function () { labelSearchInput(tries + 1); }, 50); return; }
    if (input.id === "search-input") return;
    input.id = "search-input";
    var label = el("label", "search-label", "Search articles, people and places");
    label.htmlFor = "search-input";
    input.parentNode.parentNode.insertBefore(label, input.parentNode);
  }

  /* ---- Entity cards ---- */
  var data = null;
  var card = null;
  var current = null;
  var hideTimer = 0;
  var KIND = { person: "Person", organisation: "Organisation", location: "Place" };

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  function fill(info) {
    card.textContent = "";
    card.setAttribute("data-kind", info.kind);
    card.appendChild(el("span", "card-kind", KIND[info.kind] || ""));
    card.appendChild(el("strong", "card-name", info.name));
    if (info.role && (!info.summary || info.summary.indexOf(info.role) < 0)) card.appendChild(el("span", "card-role", info.role));
    if (info.summary) card.appendChild(el("span", "card-summary", info.summary));
    var n = info.mentions, a = info.articles;
    var counts = "Named " + n + (n === 1 ? " time" : " times") + " in " + a + (a === 1 ? " article" : " articles");
    card.appendChild(el("span", "card-counts", counts));
    var more = el("a", "card-link", "All mentions →");
    more.href = info.href;
    more.tabIndex = -1;
    card.appendChild(more);
  }

  function place(link) {
    var r = link.getBoundingClientRect();
    var width = Math.min(320, document.documentElement.clientWidth - 16);
    card.style.width = width + "px";
    var left = Math.max(8, Math.min(r.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - width - 8));
    card.style.left = left + "px";
    card.style.top = (r.bottom + window.scrollY + 6) + "px";
    var below = r.bottom + 6 + card.offsetHeight;
    if (below > window.innerHeight && r.top - card.offsetHeight - 6 > 0) {
      card.style.top = (r.top + window.scrollY - card.offsetHeight - 6) + "px";
    }
  }

  function show(link) {
    var info = data[link.getAttribute("data-entity")];
    if (!info) return;
    clearTimeout(hideTimer);
    if (current && current !== link) current.removeAttribute("aria-describedby");
    current = link;
    fill(info);
    card.hidden = false;
    link.setAttribute("aria-describedby", "entity-card");
    place(link);
  }

  function hide() {
    if (!card || card.hidden) return;
    card.hidden = true;
    if (current) current.removeAttribute("aria-describedby");
    current = null;
  }

  function hideSoon() { clearTimeout(hideTimer); hideTimer = setTimeout(hide, 250); }

  function setUpCards() {
    var script = document.getElementById("entity-cards");
    if (!script) return;
    try { data = JSON.parse(script.textContent); } catch (e) { return; }
    card = el("div", "entity-card");
    card.id = "entity-card";
    card.setAttribute("role", "tooltip");
    card.hidden = true;
    (document.getElementById("main") || document.body).appendChild(card);  /* inside the main landmark */
    var hover = window.matchMedia && window.matchMedia("(hover: hover)").matches;
    var links = document.querySelectorAll(".article-body a.entity[data-entity]");
    for (var i = 0; i < links.length; i++) {
      (function (link) {
        link.addEventListener("focus", function () {
          /* keyboard focus only: a tap on a touch screen follows the link and never opens a card */
          var keyboard = true;
          try { keyboard = link.matches(":focus-visible"); } catch (e) { keyboard = true; }
          if (keyboard) show(link);
        });
        link.addEventListener("blur", hideSoon);
        if (hover) {
          link.addEventListener("mouseenter", function () { show(link); });
          link.addEventListener("mouseleave", hideSoon);
        }
      })(links[i]);
    }
    if (hover) {
      card.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
      card.addEventListener("mouseleave", hideSoon);
    }
    document.addEventListener("keydown", function (event) { if (event.key === "Escape") hide(); });
    window.addEventListener("resize", function () { if (current) place(current); });
  }

  setUpSearch();
  setUpCards();
})();
