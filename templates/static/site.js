/* sitegen: charts, tables (sort, filter, page, CSV download), shareable view state and copy-link
   anchors (the search box: search.js). No dependencies; works from file:// and at any sub-path.

   View state lives in the URL hash as form-encoded pairs "<table>.<key>=<value>" (q: text
   filter, sort: field or -field, page, and one key per filter select), so a view can be emailed.
   A hash without "=" is an ordinary anchor. */
(function () {
  "use strict";

  /* Lookups keyed by data (ids, owners, labels, URL state) never read a plain object's inherited
     properties: an owner named "constructor" or "__proto__" is text, not Object.prototype's. */
  function own(map, key) {
    return map && Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
  }
  function labelText(labels, value) {
    var text = own(labels, value);
    return text === undefined || text === null || text === "" ? value : text;
  }

  var MSGS = window.SITEGEN_MSGS || {};
  var FMT = window.SITEGEN_FMT || { symbol: "", group: ",", decimal: "." };
  var ROOT = document.documentElement.getAttribute("data-root") || "";
  var PAGE_SIZE = 50;

  function t(key, values) {
    var text = own(MSGS, key) || key;
    Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(values[k]); });
    return text;
  }

  function each(selector, fn, scope) { Array.prototype.forEach.call((scope || document).querySelectorAll(selector), fn); }

  /* ---------- number formats (the same as the server's filters) ---------- */
  function digits(value, decimals) {
    var parts = Math.abs(value).toFixed(decimals).split(".");
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, FMT.group);
    return parts.join(FMT.decimal);
  }
  function format(value, type) {
    if (value === null || value === undefined || value === "" || (typeof value === "number" && isNaN(value))) return "–";
    if (type === "money") return (value < 0 ? "-" : "") + FMT.symbol + digits(value, 0);
    if (type === "pct") return (value < 0 ? "-" : "") + digits(value * 100, 1) + "%";
    if (type === "number") return (value < 0 ? "-" : "") + digits(value, 0);
    if (type === "days") return digits(value, 0) + (FMT.language === "zh-CN" ? "天" : " d");
    return String(value);
  }

  /* ---------- URL state ---------- */
  function state() {
    var hash = location.hash.slice(1);
    return new URLSearchParams(hash.indexOf("=") === -1 ? "" : hash);
  }
  function saveState(id, key, value) {
    var p = state(), name = id + "." + key;
    if (value === "" || value === null || value === undefined) p.delete(name); else p.set(name, value);
    var hash = p.toString();
    history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
  }
  function hasState(id) {
    var found = false;
    state().forEach(function (v, k) { if (k.indexOf(id + ".") === 0) found = true; });
    return found;
  }

  /* ---------- CSV of what is shown; formula-like cells neutralised ---------- */
  function csvCell(text) {
    var s = String(text).replace(/\s+/g, " ").trim();
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
    return /[",\n;']/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  function download(filename, header, rows) {
    var lines = [header.map(csvCell).join(",")];
    rows.forEach(function (r) { lines.push(r.map(csvCell).join(",")); });
    var blob = new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = filename;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  }

  /* ---------- charts ---------- */
  function cssVar(name) { return getComputedStyle(document.documentElement).getPropertyValue(name).trim(); }
  function chartLayout(spec) {
    var text = cssVar("--text"), line = cssVar("--line");
    var layout = Object.assign({}, spec.layout || {});
    layout.font = Object.assign({}, layout.font || {}, { color: text });
    layout.xaxis = Object.assign({ gridcolor: line, linecolor: line, zerolinecolor: line }, layout.xaxis || {});
    layout.yaxis = Object.assign({ gridcolor: line, linecolor: line, zerolinecolor: line }, layout.yaxis || {});
    layout.hoverlabel = { bgcolor: cssVar("--panel"), bordercolor: line, font: { color: text } };
    return layout;
  }
  function drawCharts() {
    if (!window.Plotly) return;
    each(".chart[data-spec]", function (el) {
      var specEl = document.getElementById(el.getAttribute("data-spec"));
      if (!specEl) return;
      var spec = JSON.parse(specEl.textContent);
      el._spec = spec;
      window.Plotly.newPlot(el, spec.data, chartLayout(spec), { displayModeBar: false, responsive: true })
        .then(function () { el.setAttribute("data-drawn", "true"); });
    });
  }
  function recolorCharts() {
    each(".chart[data-drawn]", function (el) { window.Plotly.relayout(el, chartLayout(el._spec)); });
  }

  /* ---------- copy-link anchors ---------- */
  function toast(message) {
    var box = document.getElementById("toast");
    if (!box) {
      box = document.createElement("div");
      box.id = "toast";
      box.className = "toast";
      box.setAttribute("role", "status");
      document.body.appendChild(box);
    }
    box.textContent = message;
    box.classList.add("show");
    setTimeout(function () { box.classList.remove("show"); }, 1600);
  }
  function setupAnchor(a) {
    a.addEventListener("click", function (event) {
      event.preventDefault();
      var id = a.getAttribute("href").slice(1);
      history.replaceState(null, "", "#" + id);
      var target = document.getElementById(id);
      if (target) target.scrollIntoView();
      var url = location.href;
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(url).then(function () { toast(t("Link copied")); }, function () {});
      } else {
        toast(url);
      }
    });
  }

  /* ---------- tables ---------- */
  function Table(table) {
    this.el = table;
    this.id = table.id;
    this.heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    this.source = table.getAttribute("data-source");
    this.fixed = table.getAttribute("data-fixed") ? new URLSearchParams(table.getAttribute("data-fixed")) : null;
    this.filters = Object.create(null);
    this.query = "";
    this.sort = null;
    this.page = 0;
    this.count = document.querySelector('[data-count-for="' + this.id + '"]');
    this.pager = document.querySelector('[data-pager-for="' + this.id + '"]');
    if (this.source) this.loadData(); else this.domRows = Array.prototype.slice.call(table.tBodies[0].rows);
    this.setupHeads();
  }
  Table.prototype.loadData = function () {
    var data = own(window.SITEGEN_DATA, this.source);
    if (!data) { this.source = null; this.domRows = Array.prototype.slice.call(this.el.tBodies[0].rows); return; }
    var fields = Object.create(null);
    data.fields.forEach(function (f, i) { fields[f] = i; });
    var labels = Object.create(null);  // field -> key -> text, from the data file's [key, text] pairs
    Object.keys(data.labels || {}).forEach(function (field) {
      var map = labels[field] = Object.create(null);
      data.labels[field].forEach(function (pair) { map[pair[0]] = pair[1]; });
    });
    this.data = { fields: data.fields, rows: data.rows, labels: labels };
    this.fields = fields;
    var fixed = [];
    if (this.fixed) this.fixed.forEach(function (value, key) { fixed.push([own(fields, key), value]); });
    this.rows = data.rows.filter(function (row) {
      for (var i = 0; i < fixed.length; i++) if (String(row[fixed[i][0]]) !== fixed[i][1]) return false;
      return true;
    });
    this.columns = this.heads.map(function (th) {
      var priority = /\bp([23])\b/.exec(th.className);
      return { field: th.getAttribute("data-field"), type: th.getAttribute("data-type"),
               href: th.getAttribute("data-href"), badge: th.hasAttribute("data-badge"),
               priority: priority ? priority[1] : "", card: th.getAttribute("data-card"), label: th.textContent.trim() };
    });
  };
  Table.prototype.setupHeads = function () {
    var self = this;
    this.heads.forEach(function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.title = t("Sort by this column");
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var key = th.getAttribute("data-field") || String(index);
        var desc = self.sort && self.sort.key === key && !self.sort.desc;
        self.setSort((desc ? "-" : "") + key);
        saveState(self.id, "sort", (desc ? "-" : "") + key);
        self.update();
      });
    });
  };
  Table.prototype.columnIndex = function (key) {
    for (var i = 0; i < this.heads.length; i++) {
      if (this.heads[i].getAttribute("data-field") === key || String(i) === key) return i;
    }
    return -1;
  };
  Table.prototype.setSort = function (value) {
    if (!value) { this.sort = null; return; }
    var desc = value.charAt(0) === "-", key = desc ? value.slice(1) : value;
    var index = this.columnIndex(key);
    this.sort = index === -1 ? null : { key: key, desc: desc, index: index };
    this.heads.forEach(function (th, i) {
      if (this.sort && i === this.sort.index) th.setAttribute("aria-sort", desc ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    }, this);
    var wanted = this.sort ? value : "";
    each('[data-sort-for="' + this.id + '"]', function (select) {  // a phone's sort select shows the same order
      select.value = Array.prototype.some.call(select.options, function (o) { return o.value === wanted; }) ? wanted : "";
    });
  };
  Table.prototype.readState = function () {
    var p = state(), self = this;
    this.query = p.get(this.id + ".q") || "";
    this.page = Math.max(0, parseInt(p.get(this.id + ".page") || "1", 10) - 1) || 0;
    this.setSort(p.get(this.id + ".sort"));
    this.filters = Object.create(null);
    each('[data-filter-for="' + this.id + '"]', function (input) {
      var key = input.getAttribute("data-key") || "q";
      var value = key === "q" ? self.query : (p.get(self.id + "." + key) || "");
      if (key !== "q" && value) self.filters[key] = value;
      input.value = value;
    });
  };

  function cellKey(cell) {
    var v = cell.getAttribute("data-f");
    return v !== null ? v : cell.textContent.trim();
  }
  function cellSortValue(cell) {
    var v = cell.getAttribute("data-value");
    if (v !== null && v !== "" && !isNaN(Number(v))) return Number(v);
    return cell.textContent.trim().toLowerCase();
  }
  var collator = new Intl.Collator(document.documentElement.lang || undefined, { numeric: true });
  function compare(a, b) {
    var an = a === null || a === undefined || a === "" || a === "–", bn = b === null || b === undefined || b === "" || b === "–";
    if (an || bn) return an === bn ? 0 : (an ? 1 : -1);
    if (typeof a === "number" && typeof b === "number") return a - b;
    return collator.compare(String(a), String(b));
  }
  function matches(value, wanted, type) {
    if (type === "flags") return (" " + (value || "") + " ").indexOf(" " + wanted + " ") !== -1;
    return String(value === null || value === undefined ? "" : value) === wanted;
  }

  Table.prototype.update = function () {
    if (this.data) this.updateData(); else this.updateDom();
  };
  Table.prototype.updateDom = function () {
    var self = this, q = this.query.trim().toLowerCase(), shown = 0;
    var rows = this.domRows.slice();
    if (this.sort) {
      var i = this.sort.index, dir = this.sort.desc ? -1 : 1;
      rows.sort(function (a, b) { return dir * compare(cellSortValue(a.cells[i]), cellSortValue(b.cells[i])); });
    }
    var body = this.el.tBodies[0];
    rows.forEach(function (row) {
      var ok = q === "" || row.textContent.toLowerCase().indexOf(q) !== -1;
      Object.keys(self.filters).forEach(function (key) {
        var index = self.columnIndex(key);
        if (index !== -1) ok = ok && matches(cellKey(row.cells[index]), self.filters[key], self.heads[index].getAttribute("data-type"));
      });
      row.hidden = !ok;
      if (ok) shown++;
      body.appendChild(row);
    });
    this.showCount(shown, rows.length);
  };
  Table.prototype.rowText = function (row) {
    if (!row._text) {
      row._text = this.columns.map(function (c) {
        var v = row[own(this.fields, c.field)];
        return v === null || v === undefined ? "" : labelText(own(this.data.labels, c.field), v);
      }, this).join(" ").toLowerCase();
    }
    return row._text;
  };
  Table.prototype.view = function () {
    var self = this, q = this.query.trim().toLowerCase(), filters = [];
    Object.keys(this.filters).forEach(function (key) {
      var index = self.columnIndex(key);
      var type = index === -1 ? "text" : self.columns[index].type;
      if (own(self.fields, key) !== undefined) filters.push([own(self.fields, key), self.filters[key], type]);
    });
    var rows = this.rows.filter(function (row) {
      for (var i = 0; i < filters.length; i++) if (!matches(row[filters[i][0]], filters[i][1], filters[i][2])) return false;
      return q === "" || self.rowText(row).indexOf(q) !== -1;
    });
    if (this.sort) {
      var f = own(this.fields, this.sort.key), dir = this.sort.desc ? -1 : 1;
      var labels = own(this.data.labels, this.sort.key);
      rows.sort(function (a, b) {
        var x = a[f], y = b[f];
        if (labels) { x = x === null ? null : labelText(labels, x); y = y === null ? null : labelText(labels, y); }
        var c = compare(x, y);
        return c === 0 ? 0 : (x === null || x === undefined || y === null || y === undefined ? c : dir * c);
      });
    }
    return rows;
  };
  /* The same cell markup as the datatable macro (macros.html cell_attrs): kind class, p2 / p3 for a column hidden in
     narrow tables, the card place and a card date's label; names and texts in a two-line .clamp box. */
  function clampBox(tag, text) { var box = document.createElement(tag); box.className = "clamp"; box.textContent = text; return box; }
  Table.prototype.cellHtml = function (c, row) {
    var v = row[own(this.fields, c.field)], td = document.createElement("td");
    var labels = own(this.data.labels, c.field);
    if (v === undefined) v = null;
    td.className = (c.type === "link" || c.type === "text" ? "wrap" : c.type === "flags" ? "flags" : "nowrap") +
      (c.priority ? " p" + c.priority : "");
    if (c.card) td.setAttribute("data-card", c.card);
    if (c.card === "date") td.setAttribute("data-label", c.label);
    if (c.type === "link") {
      var href = row[own(this.fields, c.href)];
      if (v === null) td.textContent = "–";
      else if (href) { var a = clampBox("a", labelText(labels, v)); a.href = ROOT + href; td.appendChild(a); }
      else td.appendChild(clampBox("span", labelText(labels, v)));
    } else if (c.type === "label") {
      td.setAttribute("data-f", v === null ? "" : v);
      if (v === null) td.textContent = "–";
      else if (c.badge) { var b = document.createElement("span"); b.className = "badge b-" + v; b.textContent = labelText(labels, v); td.appendChild(b); }
      else td.textContent = labelText(labels, v);
    } else if (c.type === "flags") {
      td.setAttribute("data-f", v || "");
      (v || "").split(" ").filter(Boolean).forEach(function (flag) {
        var s = document.createElement("span");
        s.className = "badge " + (["overdue", "close_date_passed", "next_action_overdue"].includes(flag) ? "bad" : "warn");
        s.textContent = labelText(labels, flag);
        td.appendChild(s);
        td.appendChild(document.createTextNode(" "));
      });
    } else if (c.type === "text" && v !== null) {
      td.appendChild(clampBox("span", v));
    } else if (c.type === "date" || c.type === "text") {
      td.textContent = v === null ? "–" : v;
    } else {
      td.className = "num" + (c.priority ? " p" + c.priority : "");
      td.setAttribute("data-value", v === null ? "" : v);
      td.textContent = format(v, c.type);
    }
    return td;
  };
  Table.prototype.updateData = function () {
    var rows = this.view(), pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
    this.page = Math.min(this.page, pages - 1);
    var first = this.page * PAGE_SIZE, slice = rows.slice(first, first + PAGE_SIZE);
    var body = document.createElement("tbody"), self = this;
    slice.forEach(function (row) {
      var tr = document.createElement("tr");
      self.columns.forEach(function (c) { tr.appendChild(self.cellHtml(c, row)); });
      body.appendChild(tr);
    });
    this.el.replaceChild(body, this.el.tBodies[0]);
    this.showCount(rows.length, this.rows.length);
    if (this.pager) {
      this.pager.hidden = rows.length <= PAGE_SIZE;
      this.pager.querySelector(".pager-info").textContent =
        t("{first}–{last} of {total}", { first: rows.length ? first + 1 : 0, last: first + slice.length, total: rows.length });
      this.pager.querySelector('[data-page="prev"]').disabled = this.page === 0;
      this.pager.querySelector('[data-page="next"]').disabled = this.page >= pages - 1;
    }
    this.lastView = rows;
  };
  Table.prototype.showCount = function (shown, total) {
    if (this.count) this.count.textContent = shown === total ? t("{total} rows", { total: total }) : t("{shown} of {total} rows", { shown: shown, total: total });
  };
  Table.prototype.csv = function () {
    var header = this.heads.map(function (th) { return th.textContent; });
    if (!this.data) {
      return [header, this.domRows.filter(function (r) { return !r.hidden; }).map(function (r) {
        return Array.prototype.map.call(r.cells, function (c) { return c.textContent; });
      })];
    }
    var self = this;
    return [header, this.view().map(function (row) {
      return self.columns.map(function (c) { return self.cellHtml(c, row).textContent; });
    })];
  };
  Table.prototype.bind = function () {
    var self = this;
    each('[data-filter-for="' + this.id + '"]', function (input) {
      var key = input.getAttribute("data-key") || "q";
      input.addEventListener(input.tagName === "SELECT" ? "change" : "input", function () {
        if (key === "q") self.query = input.value; else if (input.value) self.filters[key] = input.value; else delete self.filters[key];
        self.page = 0;
        saveState(self.id, key, key === "q" ? input.value.trim() : input.value);
        saveState(self.id, "page", "");
        self.update();
      });
    });
    each('[data-sort-for="' + this.id + '"]', function (select) {
      select.addEventListener("change", function () {
        self.setSort(select.value);
        saveState(self.id, "sort", select.value);
        self.update();
      });
    });
    each('[data-download-for="' + this.id + '"]', function (button) {
      button.addEventListener("click", function () {
        var csv = self.csv();
        download(button.getAttribute("data-filename") || "table.csv", csv[0], csv[1]);
      });
    });
    if (this.pager) {
      each("button[data-page]", function (button) {
        button.addEventListener("click", function () {
          self.page += button.getAttribute("data-page") === "next" ? 1 : -1;
          saveState(self.id, "page", self.page ? String(self.page + 1) : "");
          self.update();
          self.el.scrollIntoView();
        });
      }, this.pager);
    }
  };
  Table.prototype.refresh = function (scroll) {
    this.readState();
    this.update();
    if (scroll && hasState(this.id)) this.el.scrollIntoView();
  };

  /* ---------- a table (or the process map) wider than its box scrolls there: a focusable, named region ---------- */
  var SCROLL_BOXES = ".table-wrap, .pm-wrap";
  function scrollableTables() {
    each(SCROLL_BOXES, function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1, box = wrap.closest("section, article"), title;
      if (scrolls === wrap.hasAttribute("tabindex")) return;
      if (!scrolls) return ["tabindex", "role", "aria-label"].forEach(function (a) { wrap.removeAttribute(a); });
      title = box && box.querySelector("h1, h2, h3") ? box.querySelector("h1, h2, h3").cloneNode(true) : null;
      if (title) each(".anchor", function (a) { a.remove(); }, title);
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", (title ? title.textContent : document.title).trim());
    });
  }

  /* ---------- start ---------- */
  // what search.js (and a site's own scripts) share with this file
  window.SITEGEN_UI = { t: t, each: each, own: own, root: ROOT, collator: collator };
  var tables = [];
  each("table.sortable, table[data-source]", function (el) {
    var table = new Table(el);
    table.bind();
    table.refresh(true);
    tables.push(table);
  });
  window.addEventListener("hashchange", function () { tables.forEach(function (tb) { tb.refresh(true); }); });
  each("a.anchor", setupAnchor);
  scrollableTables();
  if (window.ResizeObserver) {  // the screen turned, the window changed, a table got other rows
    var resized = new ResizeObserver(scrollableTables);
    each(SCROLL_BOXES + ", .table-wrap > table", function (el) { resized.observe(el); });
  }
  drawCharts();
  if (window.matchMedia) {
    var dark = window.matchMedia("(prefers-color-scheme: dark)");
    if (dark.addEventListener) dark.addEventListener("change", recolorCharts);
  }
})();
