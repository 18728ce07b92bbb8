// Progressive enhancement only: the page is complete without scripts (links are plain anchors).
(function () {
  "use strict";
  // A link to a cell or a divergence opens the details it points at, so one click shows them.
  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    if (!id) { return; }
    var target = document.getElementById(id);
    if (!target) { return; }
    if (target.tagName === "DETAILS") {
      target.open = true;
    } else {
      var all = target.querySelectorAll("details.divergence");
      for (var i = 0; i < all.length; i++) { all[i].open = true; }
    }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();

  var filter = document.getElementById("only-divergent");
  if (filter) {
    filter.addEventListener("change", function () {
      document.body.classList.toggle("only-divergent", filter.checked);
    });
  }
})();
