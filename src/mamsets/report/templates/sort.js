// Click a column header to sort its table (numbers numerically, NA last); click again to reverse.
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("th").forEach(function (th, col) {
    th.addEventListener("click", function () {
      var rows = Array.prototype.slice.call(table.querySelectorAll("tr")).slice(1);
      var dir = th.getAttribute("data-dir") === "asc" ? -1 : 1;
      table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("data-dir"); });
      th.setAttribute("data-dir", dir === 1 ? "asc" : "desc");
      var key = function (tr) {
        var td = tr.children[col];
        var t = td ? td.textContent.trim() : "";
        if (td && td.classList.contains("num")) {
          var v = parseFloat(t);
          return isNaN(v) ? [1, 0] : [0, v];
        }
        return [0, t.toLowerCase()];
      };
      rows.sort(function (a, b) {
        var ka = key(a), kb = key(b);
        if (ka[0] !== kb[0]) { return ka[0] - kb[0]; }
        return ka[1] < kb[1] ? -dir : (ka[1] > kb[1] ? dir : 0);
      });
      rows.forEach(function (tr) { tr.parentNode.appendChild(tr); });
    });
  });
});
