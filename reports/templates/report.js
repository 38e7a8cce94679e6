/* mamori HTML report: language switch, filters, sorting and paged findings.
 * Data comes from the JSON block #mamori-data (see mamori/reports/html_data.py).
 * Text from data is only ever set with textContent, never parsed as HTML. */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("mamori-data").textContent);
  var F = {};
  D.fields.forEach(function (name, i) { F[name] = i; });
  var S = D.strings, R = D.rules, ALL = D.findings, ST = D.statuses;
  var PAGE = 100, PRINT_ALL = 1000, PASS_LIST = 500;
  var STATUS_ORDER = { FAIL: 0, ERROR: 1, WAIVED: 2, NOT_ASSESSED: 3, PASS: 4 };
  var root = document.documentElement;
  var lang = D.lang;
  var state = freshState();
  var openRows = new Set();
  var hay = null;
  var view = [];

  function freshState() {
    return { status: new Set(["FAIL", "ERROR", "WAIVED", "NOT_ASSESSED"]), severity: "", cause: "",
      provider: "", account: "", change: "", q: "", sort: "priority", page: 0 };
  }
  function t(key, values) {
    var entry = D.T[key], text = entry ? entry[lang] : key;
    Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(String(values[k])); });
    return text;
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) { if (arguments[i]) { parent.appendChild(arguments[i]); } }
    return parent;
  }
  function str(i) { return i < 0 ? null : S[i]; }
  function status(f) { return ST[f[F.status]]; }
  function causeLabel(ci) { return D.causes[ci][lang === "ja" ? 2 : 1]; }
  function ruleTitle(r) { return lang === "ja" ? (r[2] || r[1]) : r[1]; }
  function ruleFix(r) { return lang === "ja" ? (r[4] || r[3]) : r[3]; }
  function resLabel(f) {
    var name = f[F.name], id = f[F.id], type = S[f[F.type]];
    return name && name !== id ? type + "/" + name + "/" + id : type + "/" + id;
  }
  function location(f) {
    return [S[f[F.provider]], S[f[F.account]], S[f[F.region]]].filter(Boolean).join("/");
  }

  /* Per-rule facts used for grouping: most urgent priority and counts per status. */
  var ruleRank = R.map(function () { return 9; });
  var ruleCounts = R.map(function () { return { PASS: 0, FAIL: 0, ERROR: 0, WAIVED: 0, NOT_ASSESSED: 0 }; });
  ALL.forEach(function (f) {
    var r = f[F.rule];
    ruleRank[r] = Math.min(ruleRank[r], f[F.priority]);
    ruleCounts[r][status(f)] += 1;
  });

  function haystack(i) {
    if (!hay) {
      hay = ALL.map(function (f) {
        var r = R[f[F.rule]];
        return [r[0], r[1], r[2], resLabel(f), location(f), S[f[F.message]], f[F.source],
          f[F.fingerprint], Object.keys(f[F.needs]).join(" ")].join("\u0001").toLowerCase();
      });
    }
    return hay[i];
  }
  function matches(f, i) {
    var r = R[f[F.rule]];
    if (!state.status.has(status(f))) { return false; }
    if (state.severity && r[5] !== state.severity) { return false; }
    if (state.cause !== "" && r[6].indexOf(Number(state.cause)) < 0) { return false; }
    if (state.provider && S[f[F.provider]] !== state.provider) { return false; }
    if (state.account && S[f[F.account]] !== state.account) { return false; }
    if (state.change && str(f[F.change]) !== state.change) { return false; }
    return !state.q || haystack(i).indexOf(state.q) >= 0;
  }
  /* The cause a finding is shown under: the filtered cause, else the rule's primary one. */
  function groupCause(f) {
    return state.cause !== "" ? Number(state.cause) : R[f[F.rule]][6][0];
  }
  function secondary(f) {
    if (state.sort === "resource") { return (f[F.name] || f[F.id]).toLowerCase(); }
    if (state.sort === "status") { return STATUS_ORDER[status(f)]; }
    if (state.sort === "first_seen") { return f[F.first_seen] || "\uffff"; }
    return f[F.priority];
  }
  function cmp(a, b) { return a < b ? -1 : (a > b ? 1 : 0); }
  function compute() {
    var picked = [];
    ALL.forEach(function (f, i) { if (matches(f, i)) { picked.push(i); } });
    var keys = {};
    picked.forEach(function (i) { keys[i] = secondary(ALL[i]); });
    picked.sort(function (x, y) {
      var a = ALL[x], b = ALL[y], ra = a[F.rule], rb = b[F.rule];
      return cmp(groupCause(a), groupCause(b)) || cmp(ruleRank[ra], ruleRank[rb]) ||
        cmp(R[ra][0], R[rb][0]) || cmp(keys[x], keys[y]) || x - y;
    });
    view = picked;
  }

  function frameworks(r) {
    return Object.keys(r[7]).map(function (k) {
      return t("fw_" + k) + " " + r[7][k].join(", ");
    }).join(" · ");
  }
  function ruleGroup(f, continued) {
    var r = R[f[F.rule]], c = ruleCounts[f[F.rule]];
    var box = el("div", "group-rule");
    var head = add(el("div", "rule-head"), el("span", "rid mono", r[0]), el("span", "", ruleTitle(r)),
      el("span", "sev sev-" + r[5], t("sev_" + r[5])));
    if (continued) { add(head, el("span", "muted", "(" + t("continued") + ")")); }
    add(head, el("span", "rcounts muted", "PASS " + c.PASS + " · FAIL " + c.FAIL + " · ERROR " + c.ERROR + " · WAIVED " + c.WAIVED + " · NOT_ASSESSED " + c.NOT_ASSESSED));
    var meta = el("div", "rule-meta");
    add(meta, el("b", "", t("remediation") + ": "), document.createTextNode(ruleFix(r)));
    var fw = frameworks(r);
    if (fw) { add(meta, el("br"), el("b", "", t("frameworks") + ": "), document.createTextNode(fw)); }
    var table = el("table", "findings"), hr = el("tr");
    [t("status"), t("priority"), t("resource"), t("location"), t("message")].forEach(function (h) { add(hr, el("th", "", h)); });
    add(table, add(el("thead"), hr), el("tbody"));
    add(box, head, meta, table);
    return box;
  }
  function tags(f) {
    var span = el("span", "tags");
    var change = str(f[F.change]);
    if (change) { add(span, el("span", "tag change-" + change, t("change_" + change))); }
    if (f[F.appi] >= 0) {
      var rep = D.appi[f[F.appi]][0];
      add(span, el("span", "tag appi-" + (rep === true ? "yes" : (rep === null ? "unknown" : "no")),
        rep === true ? t("appi_true") : (rep === null ? t("appi_none") : t("appi_false"))));
    }
    if (f[F.baselined]) { add(span, el("span", "tag", t("baselined"))); }
    return span;
  }
  function row(i) {
    var f = ALL[i], st = status(f);
    var tr = add(el("tr", "row"), add(el("td"), el("span", "status st-" + st + "-t", st)),
      el("td", "", "P" + f[F.priority]), el("td", "res", resLabel(f)), el("td", "muted", location(f)),
      add(el("td"), document.createTextNode(S[f[F.message]] + " "), tags(f)));
    tr.dataset.index = String(i);
    tr.title = t("details");
    return tr;
  }
  function dlItem(dl, key, value) {
    if (value === null || value === undefined || value === "") { return; }
    var dd = el("dd");
    if (value instanceof Node) { dd.appendChild(value); } else { dd.textContent = String(value); }
    add(dl, el("dt", "", t(key)), dd);
  }
  function appiNode(a) {
    var ul = el("ul", "plain");
    var rep = a[0] === true ? t("appi_true") : (a[0] === null ? t("appi_none") : t("appi_false"));
    add(ul, el("li", "", rep));
    a[1][lang].forEach(function (x) { add(ul, el("li", "", "• " + x)); });
    a[2][lang].forEach(function (x) { add(ul, el("li", "muted", "– " + x)); });
    return ul;
  }
  function detail(i) {
    var f = ALL[i], r = R[f[F.rule]], dl = el("dl");
    dlItem(dl, "resource", resLabel(f));
    dlItem(dl, "location", location(f));
    dlItem(dl, "source", f[F.source]);
    dlItem(dl, "message", S[f[F.message]]);
    dlItem(dl, "evidence", el("pre", "mono", JSON.stringify(D.evidence[f[F.evidence]], null, 2)));
    dlItem(dl, "missing", f[F.missing].join(", "));
    dlItem(dl, "needs", Object.keys(f[F.needs]).map(function (k) { return k + " (" + f[F.needs][k] + ")"; }).join("; "));
    if (f[F.appi] >= 0) { dlItem(dl, "appi_title", appiNode(D.appi[f[F.appi]])); }
    if (f[F.waiver] >= 0) {
      var w = D.waivers[f[F.waiver]];
      dlItem(dl, "waiver_label", t("waiver", { owner: w[0], reason: w[1], ticket: w[2], expires: w[3] }));
    }
    var change = str(f[F.change]);
    dlItem(dl, "change", change ? t("change_" + change) : null);
    dlItem(dl, "first_seen", f[F.first_seen]);
    dlItem(dl, "remediation", ruleFix(r));
    dlItem(dl, "frameworks", frameworks(r));
    dlItem(dl, "fingerprint", el("span", "mono", f[F.fingerprint]));
    var td = add(el("td"), dl);
    td.colSpan = 5;
    return add(el("tr", "detail"), td);
  }
  function toggle(tr) {
    var i = Number(tr.dataset.index), fp = ALL[i][F.fingerprint];
    var next = tr.nextSibling;
    if (next && next.classList.contains("detail")) {
      next.remove(); tr.classList.remove("open"); openRows.delete(fp);
    } else {
      tr.parentNode.insertBefore(detail(i), tr.nextSibling); tr.classList.add("open"); openRows.add(fp);
    }
  }

  function renderRows(list, rows, expandAll) {
    var lastCause = null, lastRule = null, tbody = null;
    rows.forEach(function (i, n) {
      var f = ALL[i], c = groupCause(f), r = f[F.rule];
      if (c !== lastCause) { add(list, el("h3", "group-cause", causeLabel(c))); lastCause = c; lastRule = null; }
      if (r !== lastRule) {
        var continued = n === 0 && state.page > 0 && view[state.page * PAGE - 1] !== undefined &&
          ALL[view[state.page * PAGE - 1]][F.rule] === r;
        var box = ruleGroup(f, continued && !expandAll);
        add(list, box); tbody = box.querySelector("tbody"); lastRule = r;
      }
      var tr = row(i);
      add(tbody, tr);
      if (expandAll ? status(f) !== "PASS" : openRows.has(f[F.fingerprint])) {
        tbody.appendChild(detail(i)); tr.classList.add("open");
      }
    });
  }
  function render() {
    var list = document.getElementById("list"), pager = document.getElementById("pager");
    var pages = Math.max(1, Math.ceil(view.length / PAGE));
    state.page = Math.min(state.page, pages - 1);
    list.textContent = ""; pager.textContent = "";
    document.getElementById("count").textContent = t("showing", { shown: view.length, total: ALL.length });
    if (!view.length) { add(list, el("p", "muted", t("no_match_filter"))); return; }
    renderRows(list, view.slice(state.page * PAGE, (state.page + 1) * PAGE), false);
    if (pages > 1) {
      var prev = el("button", "", "← " + t("prev")), next = el("button", "", t("next") + " →");
      prev.type = next.type = "button";
      prev.disabled = state.page === 0; next.disabled = state.page >= pages - 1;
      prev.onclick = function () { state.page -= 1; render(); scrollToList(); };
      next.onclick = function () { state.page += 1; render(); scrollToList(); };
      add(pager, prev, el("span", "", t("page", { page: state.page + 1, pages: pages })), next);
    }
  }
  function scrollToList() { document.getElementById("findings").scrollIntoView(); }
  function refresh() { compute(); render(); }

  function fillSelect(name, values) {
    var select = document.querySelector("select[name=" + name + "]");
    var keep = select.value;
    select.textContent = "";
    add(select, el("option", "", t("all"))).lastChild.value = "";
    values.forEach(function (v) { var o = el("option", "", v[1]); o.value = v[0]; select.appendChild(o); });
    select.value = keep;
    return select;
  }
  function distinct(field) {
    var seen = new Set();
    ALL.forEach(function (f) { var v = str(f[field]); if (v) { seen.add(v); } });
    return Array.from(seen).sort();
  }
  function fillSelects() {
    fillSelect("severity", D.severities.map(function (s) { return [s, t("sev_" + s)]; }));
    fillSelect("cause", D.causes.map(function (c, i) { return [String(i), causeLabel(i)]; }));
    fillSelect("provider", distinct(F.provider).map(function (v) { return [v, v]; }));
    fillSelect("account", distinct(F.account).map(function (v) { return [v, v]; }));
    var changes = distinct(F.change);
    fillSelect("change", changes.map(function (v) { return [v, t("change_" + v)]; }));
    document.querySelector("[data-filter=change]").hidden = changes.length === 0;
    var sort = document.querySelector("select[name=sort]");
    var anyFirstSeen = ALL.some(function (f) { return f[F.first_seen]; });
    Array.prototype.forEach.call(sort.options, function (o) {
      o.textContent = t("sort_" + o.value);
      o.hidden = o.value === "first_seen" && !anyFirstSeen;
    });
  }
  function setLang(next) {
    lang = next;
    root.dataset.lang = next; root.lang = next;
    document.querySelectorAll("[data-placeholder]").forEach(function (n) { n.placeholder = t(n.dataset.placeholder); });
    document.title = document.title.replace(/— [^—]+ —/, "— " + t("title") + " —");
    fillSelects(); render();
    document.querySelectorAll("details.passes[open]").forEach(fillPasses);
  }
  function fillPasses(details) {
    var ul = details.querySelector(".pass-list"), r = Number(details.dataset.ruleIndex), shown = 0, more = 0;
    ul.textContent = "";
    ALL.forEach(function (f) {
      if (f[F.rule] !== r || status(f) !== "PASS") { return; }
      if (shown < PASS_LIST) { add(ul, el("li", "", "✓ " + resLabel(f) + " (" + location(f) + ")")); shown += 1; } else { more += 1; }
    });
    if (more) { add(ul, el("li", "muted", t("more_passes", { count: more }))); }
  }

  var form = document.getElementById("filters");
  form.addEventListener("input", function (ev) {
    var target = ev.target;
    if (target.name === "status") {
      if (target.checked) { state.status.add(target.value); } else { state.status.delete(target.value); }
    } else if (target.name === "q") {
      state.q = target.value.trim().toLowerCase();
    } else if (target.name) {
      state[target.name] = target.value;
    }
    state.page = 0; refresh();
  });
  form.addEventListener("submit", function (ev) { ev.preventDefault(); });
  form.addEventListener("reset", function () {
    setTimeout(function () { state = freshState(); fillSelects(); refresh(); }, 0);
  });
  document.getElementById("list").addEventListener("click", function (ev) {
    var tr = ev.target.closest("tr.row");
    if (tr) { toggle(tr); }
  });
  document.getElementById("lang-switch").addEventListener("click", function () {
    setLang(lang === "ja" ? "en" : "ja");
  });
  document.querySelectorAll("details.passes").forEach(function (d) {
    d.addEventListener("toggle", function () { if (d.open) { fillPasses(d); } });
  });
  /* Print: every filtered finding with its details when that is a sensible size. */
  window.addEventListener("beforeprint", function () {
    var list = document.getElementById("list");
    if (view.length > PRINT_ALL) { return; }
    list.textContent = "";
    renderRows(list, view, true);
  });
  window.addEventListener("afterprint", render);

  fillSelects();
  refresh();
  root.classList.add("js-ready");
}());
