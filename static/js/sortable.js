/* Sortable tables: <table class="sortable">. Click (or press Enter on) a header to sort by that
 * column; click again to reverse. Numbers sort as numbers ("1,234", "56.5%", "—" = empty, last),
 * text by the reader's language. A cell may give its sort key in data-sort. Rows in <tfoot>
 * (totals) stay put. No inline script: loaded by core/chart_scripts.html.
 */
(function () {
  "use strict";

  var collator = new Intl.Collator(document.documentElement.lang || undefined, { numeric: true });

  function key(cell) {
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
    var text = raw.trim();
    var number = text.replace(/[,\s%]/g, "");
    if (number !== "" && !isNaN(number)) {
      return { empty: false, number: parseFloat(number), text: text };
    }
    return { empty: text === "" || text === "—", number: null, text: text };
  }

  function compare(a, b) {
    if (a.empty !== b.empty) {
      return a.empty ? 1 : -1;
    }
    if (a.number !== null && b.number !== null) {
      return a.number - b.number;
    }
    if (a.number !== null) {
      return -1;
    }
    if (b.number !== null) {
      return 1;
    }
    return collator.compare(a.text, b.text);
  }

  function sortBy(table, header, index) {
    var body = table.tBodies[0];
    if (!body) {
      return;
    }
    var descending = header.getAttribute("aria-sort") === "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    var keyed = rows.map(function (row, position) {
      return { row: row, key: key(row.cells[index] || row.cells[0]), position: position };
    });
    keyed.sort(function (a, b) {
      var order = compare(a.key, b.key);
      if (a.key.empty || b.key.empty) {
        return order || a.position - b.position; // empty cells stay last either way
      }
      return (descending ? -order : order) || a.position - b.position;
    });
    keyed.forEach(function (item) {
      body.appendChild(item.row);
    });
    var headers = table.tHead.rows[0].cells;
    for (var i = 0; i < headers.length; i++) {
      headers[i].removeAttribute("aria-sort");
    }
    header.setAttribute("aria-sort", descending ? "descending" : "ascending");
  }

  function prepare(table) {
    if (!table.tHead || !table.tHead.rows.length) {
      return;
    }
    var headers = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(headers, function (header, index) {
      header.setAttribute("tabindex", "0");
      header.classList.add("sort-header");
      header.addEventListener("click", function () {
        sortBy(table, header, index);
      });
      header.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          sortBy(table, header, index);
        }
      });
    });
  }

  function prepareAll() {
    var tables = document.querySelectorAll("table.sortable");
    for (var i = 0; i < tables.length; i++) {
      prepare(tables[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", prepareAll);
  } else {
    prepareAll();
  }
})();
