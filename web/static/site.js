// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // "/" jumps to the search box, as on many search sites.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var box = document.querySelector("[data-search-input]");
    if (box) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });
  // On narrow screens, fold the filters away unless some are active.
  var refine = document.querySelector("[data-refine]");
  if (refine && window.matchMedia("(max-width: 52em)").matches && !document.querySelector(".chip-remove")) {
    refine.open = false;
  }
})();
