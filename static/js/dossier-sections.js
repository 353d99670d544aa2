// The dossier page shows one part at a time (Démarche, Documents, …) once
// this script runs; without it, every part stays on the page and the
// navigation's links are plain anchors. A link or redirect to an anchor
// inside a part (#etape-4, #documents) opens that part.
(function () {
  "use strict";
  var nav = document.querySelector(".dossier-nav");
  var sections = Array.prototype.slice.call(document.querySelectorAll(".dossier-section"));
  if (!nav || sections.length < 2) return;
  var links = Array.prototype.slice.call(nav.querySelectorAll("a[href^='#s-']"));

  function sectionOf(hash) {
    if (!hash || hash.length < 2) return null;
    var target = document.getElementById(decodeURIComponent(hash.slice(1)));
    if (!target) return null;
    return target.closest(".dossier-section");
  }

  function show(section, focus) {
    sections.forEach(function (s) { s.classList.toggle("is-active", s === section); });
    links.forEach(function (a) {
      if (a.getAttribute("href") === "#" + section.id) a.setAttribute("aria-current", "true");
      else a.removeAttribute("aria-current");
    });
    if (focus) section.focus({ preventScroll: true });
  }

  document.body.classList.add("dossier-one-part");
  sections.forEach(function (s) { s.setAttribute("tabindex", "-1"); });
  show(sectionOf(window.location.hash) || sections[0], false);
  var target = window.location.hash && document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
  if (target) target.scrollIntoView();

  links.forEach(function (a) {
    a.addEventListener("click", function (event) {
      var section = document.getElementById(a.getAttribute("href").slice(1));
      if (!section) return;
      event.preventDefault();
      show(section, true);
      history.replaceState(null, "", "#" + section.id);
    });
  });
  window.addEventListener("hashchange", function () {
    var section = sectionOf(window.location.hash);
    if (section) show(section, false);
  });
  // In-page links to another part (« voir les documents ») open it.
  document.addEventListener("click", function (event) {
    var a = event.target.closest("a[href^='#']");
    if (!a || links.indexOf(a) >= 0) return;
    var section = sectionOf(a.getAttribute("href"));
    if (section && !section.classList.contains("is-active")) show(section, false);
  });
})();
