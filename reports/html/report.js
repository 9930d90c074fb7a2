(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var all = function (sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); };
  var say = function (key, n) { return data.i18n[key].replace("{n}", String(n)); };
  var form = document.getElementById("filters");
  var items = all("[data-sev]");
  items.forEach(function (el) { el.searchText = el.textContent.toLowerCase(); });
  var has = function (list, v) { return !v || (" " + (list || "") + " ").indexOf(" " + v + " ") >= 0; };

  function capped(box) {
    var rows = box.tBodies ? Array.prototype.slice.call(box.tBodies[0].rows) : Array.prototype.slice.call(box.children);
    var limit = box.showAll ? Infinity : data.cap, shown = 0;
    rows.forEach(function (r) {
      var visible = !r.classList.contains("hid");
      if (visible) { shown += 1; }
      r.classList.toggle("capped", visible && shown > limit);
    });
    if (!box.moreButton) {
      box.moreButton = document.createElement("button");
      box.moreButton.type = "button";
      box.moreButton.className = "more";
      box.moreButton.addEventListener("click", function () { box.showAll = true; capped(box); });
      box.parentNode.insertBefore(box.moreButton, box.nextSibling);
    }
    box.moreButton.hidden = shown <= limit;
    box.moreButton.textContent = say("more", shown - limit);
  }

  function apply() {
    var sev = form.elements.sev.value, prov = form.elements.prov.value, fw = form.elements.fw.value;
    var q = form.elements.q.value.trim().toLowerCase(), shown = 0;
    items.forEach(function (el) {
      var ok = has(el.getAttribute("data-sev"), sev) && has(el.getAttribute("data-prov"), prov) &&
        has(el.getAttribute("data-fw"), fw) && (!q || el.searchText.indexOf(q) >= 0);
      el.classList.toggle("hid", !ok);
      if (ok && el.classList.contains("f")) { shown += 1; }
    });
    all("details.grp").forEach(function (g) { g.classList.toggle("hid", !g.querySelector("tr.f:not(.hid)")); });
    all(".fw").forEach(function (d) { d.classList.toggle("hid", !!fw && d.getAttribute("data-fw-name") !== fw); });
    all(".cap").forEach(capped);
    form.elements.shown.value = say("shown", shown);
  }

  function sortKey(cell) {
    var v = cell ? (cell.getAttribute("data-v") || cell.textContent).trim() : "";
    return /^-?\d+(\.\d+)?$/.test(v) ? parseFloat(v) : v.toLowerCase();
  }

  all("table.sortable").forEach(function (table) {
    all("thead th", table).forEach(function (th, col) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "sort";
      while (th.firstChild) { b.appendChild(th.firstChild); }
      th.appendChild(b);
      b.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending", body = table.tBodies[0];
        all("th", table).forEach(function (o) { o.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        Array.prototype.slice.call(body.rows).map(function (r, i) { return [sortKey(r.cells[col]), i, r]; })
          .sort(function (x, y) {
            var c = typeof x[0] === "number" && typeof y[0] === "number" ? x[0] - y[0] : String(x[0]).localeCompare(String(y[0]), data.lang);
            return (asc ? c : -c) || x[1] - y[1];
          })
          .forEach(function (t) { body.appendChild(t[2]); });
        if (table.classList.contains("cap")) { capped(table); }
      });
    });
  });

  var opened = [];
  window.addEventListener("beforeprint", function () {
    all("details:not([open])").forEach(function (d) { d.open = true; opened.push(d); });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });

  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  form.hidden = false;
  apply();
}());
