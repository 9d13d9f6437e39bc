// The page: state in the URL, search box, facets, results, permalinks, language and theme.
import { Engine } from "./search.js";
import { STRINGS, initialLang, saveLang } from "./i18n.js";
import { el, paperArticle } from "./view.js";

const PAGE = 30; // results drawn at once; "show more" draws the next ones
const $ = (id) => document.getElementById(id);
const engine = new Engine(new URL(".", import.meta.url));
// Timings of search+render, read by the benchmark (tests/benchmarks/bench_site.py).
const perf = (window.__paperlist = { timings: [], runs: 0 });
// The same search and render again, ``n`` times (the benchmark's best-of-n, which a busy machine
// cannot inflate the way it inflates a single measurement).
perf.repeat = async (n) => {
  const out = [];
  for (let i = 0; i < n; i++) {
    await run();
    out.push(perf.timings[perf.timings.length - 1].total);
  }
  return out;
};

let lang = initialLang(new URLSearchParams(location.search));
let s = STRINGS[lang];
let state = emptyState();
let shown = PAGE;
let current = { ids: [], terms: [] };
let generation = 0;
let typing = false;

function emptyState() {
  return { q: "", venue: new Set(), year: new Set(), tag: new Set(), pres: new Set(), code: false, stale: false, sort: "" };
}

// -- URL <-> state ---------------------------------------------------------------------------------
function readUrl() {
  const p = new URLSearchParams(location.search);
  const m = engine.meta;
  const known = (values, allowed) => new Set(values.filter((v) => allowed.includes(v)));
  return {
    q: p.get("q") || "",
    venue: known(p.getAll("venue"), m.venues.map((v) => v.id)),
    year: known(p.getAll("year"), m.years.map(String)),
    tag: known(p.getAll("tag"), m.tags.map((t) => t.id)),
    pres: known(p.getAll("presentation"), m.presentations.map((x) => x.id)),
    code: p.get("code") === "1",
    stale: m.repos === true && p.get("stale") === "1",
    sort: m.repos === true && p.get("sort") === "stars" ? "stars" : "",
  };
}

function stateUrl(st) {
  const p = new URLSearchParams();
  if (st.q) p.set("q", st.q);
  for (const v of st.venue) p.append("venue", v);
  for (const y of st.year) p.append("year", y);
  for (const t of st.tag) p.append("tag", t);
  if (st.code) p.set("code", "1");
  if (st.stale) p.set("stale", "1");
  for (const x of st.pres) p.append("presentation", x);
  if (st.sort) p.set("sort", st.sort);
  const qs = p.toString();
  return qs ? `?${qs}` : location.pathname;
}

function commit(push) {
  const url = stateUrl(state);
  if (push) history.pushState(null, "", url);
  else history.replaceState(null, "", url);
  hidePanel();
}

function filterIndexes() {
  const m = engine.meta;
  const ix = (set, list) => new Set([...set].map((v) => list.indexOf(v)).filter((i) => i >= 0));
  return {
    venue: ix(state.venue, m.venues.map((v) => v.id)),
    year: ix(state.year, m.years.map(String)),
    tag: ix(state.tag, m.tags.map((t) => t.id)),
    pres: new Set([...state.pres].map((p) => m.presentations.findIndex((x) => x.id === p) + 1).filter((i) => i > 0)),
    code: state.code,
    stale: state.stale,
  };
}

// -- running a search --------------------------------------------------------------------------------
async function run() {
  const gen = ++generation;
  const t0 = performance.now();
  const terms = engine.parse(state.q);
  $("results").setAttribute("aria-busy", "true");
  let shards;
  try {
    shards = await engine.prepare(terms);
  } catch (err) {
    // The index could not be fetched (offline, a half-deployed site): say so, keep the old list.
    if (gen === generation) $("count").textContent = `${s.failed} (${err.message})`;
    $("results").setAttribute("aria-busy", "false");
    return;
  }
  if (gen !== generation) return;
  const t1 = performance.now();
  const matched = engine.match(terms, shards);
  const res = engine.filter(matched, filterIndexes());
  let ids = res.ids;
  if (state.sort === "stars") {
    let stars;
    try {
      stars = await engine.stars();
    } catch (err) {
      if (gen === generation) $("count").textContent = `${s.failed} (${err.message})`;
      $("results").setAttribute("aria-busy", "false");
      return;
    }
    if (gen !== generation) return;
    ids = engine.byStars(ids, stars);
  }
  current = { ids, terms };
  shown = PAGE;
  updateFacets(res.counts);
  $("count").textContent = res.ids.length ? s.count(res.ids.length, engine.n) : s.none;
  updateExport(res.ids.length);
  updateFiltersToggle();
  updateFeedLink();
  const t2 = performance.now();
  let recs;
  try {
    recs = await engine.records(ids.slice(0, shown));
  } catch (err) {
    if (gen === generation) $("count").textContent = `${s.failed} (${err.message})`;
    $("results").setAttribute("aria-busy", "false");
    return;
  }
  if (gen !== generation) return;
  const t3 = performance.now();
  renderList(recs, false);
  const t4 = performance.now();
  $("results").setAttribute("aria-busy", "false");
  $("results").dataset.query = state.q;
  perf.runs++;
  perf.timings.push({ q: state.q, total: t4 - t0, index: t1 - t0, search: t2 - t1, text: t3 - t2, render: t4 - t3, results: res.ids.length });
}

function renderList(recs, append) {
  const list = $("list");
  const ctx = { engine, s, lang, terms: current.terms, anchor: false };
  const items = recs.map((r) => el("li", {}, paperArticle(r, ctx)));
  if (append) list.append(...items);
  else list.replaceChildren(...items);
  const more = $("more");
  const left = current.ids.length - shown;
  more.hidden = left <= 0;
  more.textContent = s.more(Math.min(PAGE, Math.max(left, 0)));
}

async function showMore() {
  const from = shown;
  shown += PAGE;
  const gen = generation;
  const recs = await engine.records(current.ids.slice(from, shown));
  if (gen !== generation) return;
  renderList(recs, true);
  // Keyboard users continue where the new papers start.
  const first = $("list").children[from]?.querySelector("a.permalink");
  if (first) first.focus();
}

// -- facets ------------------------------------------------------------------------------------------
function facetGroups() {
  const m = engine.meta;
  const both = (o) => (o.zh === o.en ? [o.en] : lang === "zh" ? [o.zh, o.en] : [o.en, o.zh]);
  return [
    ...(m.list && m.list.venues === false ? [] : [{ key: "venue", legend: s.venue, items: m.venues.map((v) => ({ value: v.id, label: [v.id], title: lang === "zh" ? v.zh : v.en })) }]),
    { key: "year", legend: s.year, items: m.years.map((y) => ({ value: String(y), label: [String(y)] })) },
    { key: "code", legend: s.code, items: [{ value: "1", label: [s.hasCode] }] },
    ...(m.repos === true ? [{ key: "stale", legend: s.health, items: [{ value: "1", label: [s.stale] }] }] : []),
    ...(m.presentations.length === 0 ? [] : [{ key: "pres", legend: s.presentation, items: m.presentations.map((p) => ({ value: p.id, label: [lang === "zh" ? p.zh : p.en] })) }]),
    { key: "tag", legend: s.topic, items: m.tags.map((t) => ({ value: t.id, label: both(t) })) },
  ];
}

function buildFacets() {
  const root = $("facets");
  root.replaceChildren();
  for (const g of facetGroups()) {
    const list = el("ul", { class: `facet-list facet-${g.key}` });
    for (const item of g.items) {
      const id = `f-${g.key}-${item.value}`;
      const box = el("input", { type: "checkbox", id, value: item.value, "data-facet": g.key });
      const label = el("label", { for: id, title: item.title }, el("span", { class: "name", text: item.label[0] }));
      if (item.label[1]) label.append(" ", el("span", { class: "alt", text: item.label[1] }));
      label.append(" ", el("span", { class: "n" }));
      list.append(el("li", { "data-value": item.value }, box, label));
    }
    root.append(el("fieldset", { class: "facet", "data-facet": g.key }, el("legend", { text: g.legend }), list));
  }
  syncFacetChecks();
}

function syncFacetChecks() {
  for (const box of document.querySelectorAll("#facets input[type=checkbox]")) {
    const key = box.dataset.facet;
    box.checked = key === "code" || key === "stale" ? state[key] : state[key].has(box.value);
  }
}

function updateFacets(counts) {
  const m = engine.meta;
  const countOf = {
    venue: (v) => counts.venue[m.venues.findIndex((x) => x.id === v)],
    year: (y) => counts.year[m.years.indexOf(Number(y))],
    tag: (t) => counts.tag[m.tags.findIndex((x) => x.id === t)],
    pres: (p) => counts.pres[m.presentations.findIndex((x) => x.id === p) + 1],
    code: () => counts.code,
    stale: () => counts.stale,
  };
  for (const li of document.querySelectorAll("#facets li")) {
    const box = li.firstChild;
    const n = countOf[box.dataset.facet](box.value) || 0;
    li.querySelector(".n").textContent = `(${n.toLocaleString("en-US")})`;
    // Values with nothing to add are hidden, unless chosen (so they can be unchosen).
    li.hidden = n === 0 && !box.checked;
  }
  for (const fs of document.querySelectorAll("#facets fieldset")) {
    fs.hidden = [...fs.querySelectorAll("li")].every((li) => li.hidden);
  }
  $("clear").hidden = !(state.q || state.code || state.stale || state.venue.size || state.year.size || state.tag.size || state.pres.size);
}

function onFacet(ev) {
  const box = ev.target;
  if (!(box instanceof HTMLInputElement) || !box.dataset.facet) return;
  const key = box.dataset.facet;
  if (key === "code" || key === "stale") state[key] = box.checked;
  else if (box.checked) state[key].add(box.value);
  else state[key].delete(box.value);
  typing = false;
  commit(true);
  run();
}

// -- permalinks ------------------------------------------------------------------------------------
function hidePanel() {
  $("linked").hidden = true;
  $("linked-body").replaceChildren();
}

async function openHash() {
  const key = decodeURIComponent(location.hash.slice(1));
  if (!key || key === "results" || key === "search") return hidePanel();
  const id = await engine.lookup(key);
  const body = $("linked-body");
  if (id < 0) {
    body.replaceChildren(el("p", { text: s.linkedMissing }));
  } else {
    const [rec] = await engine.records([id]);
    body.replaceChildren(paperArticle(rec, { engine, s, lang, terms: [], anchor: true }));
  }
  $("linked").hidden = false;
  $("linked").scrollIntoView();
  $("linked-heading").focus();
}

// -- language and theme ------------------------------------------------------------------------------
function applyLang() {
  s = STRINGS[lang];
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.title = s.title;
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = s[node.dataset.i18n];
  $("q").placeholder = s.searchPlaceholder;
  $("sort-label").textContent = s.sortLabel;
  $("sort").options[0].textContent = s.sortDefault;
  $("sort").options[1].textContent = s.sortStars;
  $("lang").textContent = s.language;
  $("lang").setAttribute("aria-label", s.languageLabel);
  $("lang").lang = lang === "zh" ? "en" : "zh";
  applyTheme(currentTheme());
}

function currentTheme() {
  try {
    return localStorage.getItem("paperlist.theme") || "auto";
  } catch {
    return "auto";
  }
}

function applyTheme(theme) {
  if (theme === "auto") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
  $("theme").textContent = s.theme[theme];
}

function cycleTheme() {
  const next = { auto: "dark", dark: "light", light: "auto" }[currentTheme()] || "auto";
  try {
    localStorage.setItem("paperlist.theme", next);
  } catch {
    // not remembered
  }
  applyTheme(next);
}

// The list's own name and languages (paperlist.yaml, carried in meta.json): an English-only list
// has no language switch, and its heading is its title, not the tool's default.
function adoptList(list) {
  if (!list) return;
  const langs = list.languages || ["en", "zh"];
  if (!langs.includes(lang)) lang = langs[0];
  $("lang").hidden = langs.length < 2;
  for (const code of Object.keys(STRINGS)) {
    const title = (list.title && (list.title[code] || list.title.en)) || null;
    const about = (list.description && (list.description[code] || list.description.en)) || null;
    if (title) Object.assign(STRINGS[code], { heading: title, title: `paperlist · ${title}` });
    if (about) STRINGS[code].tagline = about;
  }
  applyLang();
}

// -- phone layout: on narrow screens the filters fold into one disclosure button ---------------------
function activeFilters() {
  return state.venue.size + state.year.size + state.tag.size + state.pres.size + (state.code ? 1 : 0);
}

function updateFiltersToggle() {
  $("filters-toggle").textContent = s.filtersN(activeFilters());
}

function setFiltersOpen(open, focusTo) {
  $("layout").classList.toggle("filters-open", open);
  $("filters-toggle").setAttribute("aria-expanded", String(open));
  if (focusTo) focusTo.focus();
}

function wireFilters() {
  const toggle = $("filters-toggle");
  // Focus stays on the button (the disclosure pattern); Tab goes on into the filters after it.
  toggle.addEventListener("click", () => setFiltersOpen(toggle.getAttribute("aria-expanded") !== "true"));
  $("filters-done").addEventListener("click", () => {
    setFiltersOpen(false, $("count"));
    $("results").scrollIntoView();
  });
  $("filters-panel").addEventListener("keydown", (ev) => {
    if (ev.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
      ev.preventDefault();
      setFiltersOpen(false, toggle);
    }
  });
}

// -- feeds: with one topic chosen, the header's Feed link is that topic's feed ---------------------------
function updateFeedLink() {
  const [tag] = state.tag.size === 1 ? [...state.tag] : [];
  $("feed-link").href = tag ? `feeds/${encodeURIComponent(tag)}.xml` : "feeds/all.xml";
}

// -- citations: cite.js and the data it needs load only on first use ---------------------------------
let citeModule = null;
const loadCite = () => (citeModule ||= import("./cite.js"));

function updateExport(n) {
  $("export").hidden = n === 0;
  $("export").textContent = s.exportN(n);
  if (n === 0) toggleExportMenu(false);
}

function toggleExportMenu(open) {
  $("export-menu").hidden = !open;
  $("export").setAttribute("aria-expanded", String(open));
  if (!open) $("export-status").textContent = "";
}

function wireCitations() {
  $("export").addEventListener("click", () => toggleExportMenu($("export-menu").hidden));
  $("export-menu").addEventListener("keydown", (ev) => {
    if (ev.key !== "Escape") return;
    toggleExportMenu(false);
    $("export").focus();
  });
  for (const b of $("export-menu").querySelectorAll("button[data-format]")) {
    b.addEventListener("click", () => loadCite().then((c) => c.exportView(engine, current.ids, state, lang, b.dataset.format, $("export-status"))));
  }
  const onCite = (ev) => {
    const btn = ev.target.closest("button.cite");
    if (btn) loadCite().then((c) => c.toggleCite(engine, btn, lang));
  };
  $("list").addEventListener("click", onCite);
  $("linked-body").addEventListener("click", onCite);
}

// -- start ---------------------------------------------------------------------------------------------
async function main() {
  applyLang();
  $("count").textContent = s.loading;
  try {
    await engine.init();
  } catch (err) {
    $("count").textContent = `${s.failed} (${err.message})`;
    return;
  }
  adoptList(engine.meta.list);
  state = readUrl();
  $("q").value = state.q;
  $("sorting").hidden = engine.meta.repos !== true;
  $("sort").value = state.sort;
  $("sort").addEventListener("change", () => {
    state.sort = $("sort").value === "stars" ? "stars" : "";
    typing = false;
    commit(true);
    run();
  });
  buildFacets();
  $("q").addEventListener("input", () => {
    state.q = $("q").value;
    commit(!typing); // one history entry per search, not per key
    typing = true;
    run();
  });
  $("q").addEventListener("blur", () => (typing = false));
  $("search").addEventListener("submit", (ev) => ev.preventDefault());
  $("facets").addEventListener("change", onFacet);
  $("more").addEventListener("click", showMore);
  $("clear").addEventListener("click", () => {
    state = { ...emptyState(), sort: state.sort };
    $("q").value = "";
    syncFacetChecks();
    typing = false;
    commit(true);
    run();
  });
  $("lang").addEventListener("click", () => {
    lang = lang === "zh" ? "en" : "zh";
    saveLang(lang);
    applyLang();
    buildFacets();
    run();
    if (!$("linked").hidden) openHash();
  });
  $("theme").addEventListener("click", cycleTheme);
  wireFilters();
  wireCitations();
  $("linked-close").addEventListener("click", () => {
    history.pushState(null, "", stateUrl(state));
    hidePanel();
  });
  // A topic chip on a paper shows that topic across all years and venues in one click.
  $("list").addEventListener("click", (ev) => {
    const chip = ev.target.closest("a[data-tag]");
    if (!chip || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
    ev.preventDefault();
    state = emptyState();
    state.tag.add(chip.dataset.tag);
    $("q").value = "";
    syncFacetChecks();
    typing = false;
    commit(true);
    run().then(() => $("count").focus());
  });
  window.addEventListener("popstate", () => {
    state = readUrl();
    $("q").value = state.q;
    $("sort").value = state.sort;
    syncFacetChecks();
    typing = false;
    run();
    openHash();
  });
  window.addEventListener("hashchange", openHash);
  document.addEventListener("keydown", (ev) => {
    const t = ev.target;
    if (ev.key === "/" && !(t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement)) {
      ev.preventDefault();
      $("q").focus();
    }
  });
  await run();
  if (location.hash) await openHash();
}

main();
