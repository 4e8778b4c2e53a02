/* sitegen: charts, sortable and filterable tables, CSV download, shareable view state.
   No dependencies; works from file:// and any sub-path. */
(function () {
  "use strict";

  function cssVar(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  function drawCharts() {
    if (!window.Plotly) return;
    var text = cssVar("--text"), line = cssVar("--line");
    document.querySelectorAll(".chart[data-spec]").forEach(function (el) {
      var specEl = document.getElementById(el.getAttribute("data-spec"));
      if (!specEl) return;
      var spec = JSON.parse(specEl.textContent);
      var layout = Object.assign({}, spec.layout || {});
      layout.font = Object.assign({}, layout.font || {}, { color: text });
      layout.xaxis = Object.assign({ gridcolor: line, linecolor: line }, layout.xaxis || {});
      layout.yaxis = Object.assign({ gridcolor: line, linecolor: line }, layout.yaxis || {});
      window.Plotly.newPlot(el, spec.data, layout, { displayModeBar: false, responsive: true });
      el.setAttribute("data-drawn", "true");
    });
  }

  function cellValue(cell) {
    var v = cell.getAttribute("data-value");
    if (v !== null && v !== "" && !isNaN(Number(v))) return Number(v);
    return cell.textContent.trim().toLowerCase();
  }

  function params() { return new URLSearchParams(location.hash.slice(1)); }

  function saveState(table, key, value) {
    var p = params();
    var name = table.id + "." + key;
    if (value === "" || value === null) p.delete(name); else p.set(name, value);
    var hash = p.toString();
    history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
  }

  function sortTable(table, index, dir) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a.cells[index]), y = cellValue(b.cells[index]);
      if (typeof x === "number" && typeof y === "number") return dir * (x - y);
      return dir * String(x).localeCompare(String(y));
    });
    rows.forEach(function (r) { body.appendChild(r); });
    table.querySelectorAll("thead th").forEach(function (th, i) {
      if (i === index) th.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    });
  }

  function setupSort(table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
        sortTable(table, index, dir);
        saveState(table, "sort", (dir > 0 ? "" : "-") + index);
      });
    });
    var state = params().get(table.id + ".sort");
    if (state) {
      var idx = Math.abs(parseInt(state, 10));
      if (idx < heads.length) sortTable(table, idx, state.charAt(0) === "-" ? -1 : 1);
    }
  }

  function applyFilter(table, query) {
    var q = query.trim().toLowerCase();
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      row.hidden = q !== "" && row.textContent.toLowerCase().indexOf(q) === -1;
    });
  }

  function setupFilter(input) {
    var table = document.getElementById(input.getAttribute("data-filter-for"));
    if (!table) return;
    var initial = params().get(table.id + ".q");
    if (initial) { input.value = initial; applyFilter(table, initial); }
    input.addEventListener("input", function () {
      applyFilter(table, input.value);
      saveState(table, "q", input.value.trim());
    });
  }

  function csvCell(text) {
    var t = text.replace(/\s+/g, " ").trim();
    if (/^[=+\-@\t\r]/.test(t)) t = "'" + t;
    return /[",\n;]/.test(t) ? '"' + t.replace(/"/g, '""') + '"' : t;
  }

  function setupDownload(button) {
    var table = document.getElementById(button.getAttribute("data-download-for"));
    if (!table) return;
    button.addEventListener("click", function () {
      var lines = [];
      var head = Array.prototype.map.call(table.tHead.rows[0].cells, function (c) { return csvCell(c.textContent); });
      lines.push(head.join(","));
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        if (row.hidden) return;
        lines.push(Array.prototype.map.call(row.cells, function (c) { return csvCell(c.textContent); }).join(","));
      });
      var blob = new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = button.getAttribute("data-filename") || "table.csv";
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
    });
  }

  document.querySelectorAll("table.sortable").forEach(setupSort);
  document.querySelectorAll("input[data-filter-for]").forEach(setupFilter);
  document.querySelectorAll("button[data-download-for]").forEach(setupDownload);
  drawCharts();
})();
