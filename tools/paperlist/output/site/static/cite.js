// Citations: BibTeX and CSL-JSON made in the page, loaded only when a reader asks (Cite, Export).
// The rules are tools/paperlist/output/export.py's, written again character by character; a
// browser test compares this module's files with `paperlist export`'s for the same papers.
import { el } from "./view.js";

const BAD = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]/gu;
const SPACE = /[\t\n\r\f\v \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+/g;
const BIB = {
  "\\": "\\textbackslash{}", "{": "\\textbraceleft{}", "}": "\\textbraceright{}",
  "%": "\\%", "&": "\\&", $: "\\$", "#": "\\#", _: "\\_",
  "~": "\\textasciitilde{}", "^": "\\textasciicircum{}", "<": "\\textless{}", ">": "\\textgreater{}",
  "|": "\\textbar{}",
};
const BIB_SPECIAL = /[\\{}%&$#_~^<>|]/g;
const KEY_BAD = /[^A-Za-z0-9_:./-]/g;
const MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
const AND = /(?:^| )and(?: |$)/i;
const VERBATIM_BAD = /[{}\\ ]/g;
const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]/;
const UTF8 = new TextEncoder();

export function clean(text) {
  return text.replace(BAD, "\ufffd").replace(SPACE, " ").replace(/^ +| +$/g, "");
}

export function bibText(text) {
  return clean(text).replace(BIB_SPECIAL, (c) => BIB[c]);
}

function verbatim(text) {
  return clean(text).replace(VERBATIM_BAD, (c) => Array.from(UTF8.encode(c), (b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join(""));
}

export function bibKey(key) {
  return key.normalize("NFKD").replace(MARKS, "").replace(KEY_BAD, "-") || "paper";
}

function uniqueKeys(papers) {
  const seen = new Map();
  return papers.map((p) => {
    const base = bibKey(p.key);
    let n = (seen.get(base) || 0) + 1;
    seen.set(base, n);
    let key = n === 1 ? base : `${base}-${n}`;
    while (n > 1 && seen.has(key)) {
      n += 1;
      key = `${base}-${n}`;
    }
    if (!seen.has(key)) seen.set(key, 1);
    return key;
  });
}

function venueLabel(p) {
  if (!p.venue) return "";
  const label = p.venueName === p.venue ? p.venueName : `${p.venueName} (${p.venue})`;
  return p.workshop ? `${label} Workshops` : label;
}

function link(p) {
  if (p.url) return p.url;
  return p.arxiv ? `https://arxiv.org/abs/${p.arxiv}` : null;
}

function bibAuthor(name) {
  const text = bibText(name);
  return AND.test(text) || text.includes(",") ? `{${text}}` : text;
}

function bibtexEntry(p, key) {
  const fields = [];
  const authors = p.authors.map(clean).filter(Boolean);
  if (authors.length) fields.push(["author", authors.map(bibAuthor).join(" and ")]);
  fields.push(["title", bibText(p.title)]);
  const venue = venueLabel(p);
  if (venue) fields.push(["booktitle", bibText(venue)]);
  fields.push(["year", String(p.year)]);
  if (p.arxiv) fields.push(["eprint", verbatim(p.arxiv)], ["archiveprefix", "arXiv"]);
  if (p.doi) fields.push(["doi", verbatim(p.doi)]);
  const url = link(p);
  if (url) fields.push(["url", verbatim(url)]);
  const body = fields.map(([name, value]) => `  ${name} = {${value}},\n`).join("");
  return `@${venue ? "inproceedings" : "misc"}{${key},\n${body}}\n`;
}

export function bibtex(papers) {
  const keys = uniqueKeys(papers);
  return papers.map((p, i) => bibtexEntry(p, keys[i])).join("\n");
}

function cslName(name) {
  const parts = name.split(" ");
  if (parts.length < 2 || CJK.test(name) || name.includes(",") || AND.test(name)) return { literal: name };
  return { family: parts[parts.length - 1], given: parts.slice(0, -1).join(" ") };
}

function cslItem(p, key) {
  const item = { id: key, type: p.venue ? "paper-conference" : "article", title: clean(p.title) };
  const authors = p.authors.map(clean).filter(Boolean);
  if (authors.length) item.author = authors.map(cslName);
  const venue = venueLabel(p);
  if (venue) item["container-title"] = clean(venue);
  item.issued = { "date-parts": [[p.year]] };
  if (p.arxiv) {
    item.archive = "arXiv";
    item.archive_location = clean(p.arxiv);
  }
  if (p.doi) item.DOI = clean(p.doi);
  const url = link(p);
  if (url) item.URL = clean(url);
  return item;
}

export function cslJson(papers) {
  const keys = uniqueKeys(papers);
  return `${JSON.stringify(papers.map((p, i) => cslItem(p, keys[i])), null, 2)}\n`;
}

export const FORMATS = {
  bibtex: { make: bibtex, suffix: ".bib", type: "application/x-bibtex" },
  "csl-json": { make: cslJson, suffix: ".json", type: "application/vnd.citationstyles.csl+json" },
};

// -- the papers' data: the text chunks the page already reads, plus data/c/ (DOIs) ----------------
const doiChunks = new Map();

function dois(engine, c) {
  if (!doiChunks.has(c)) {
    const p = engine.json(`data/c/${c}.json`);
    p.catch(() => doiChunks.delete(c));
    doiChunks.set(c, p);
  }
  return doiChunks.get(c);
}

/** What a citation is made from, for paper numbers (in the site's display order). */
export async function citables(engine, ids) {
  const sorted = [...ids].sort((a, b) => a - b);
  const size = engine.meta.chunk;
  const [recs, doiMaps] = await Promise.all([
    engine.records(sorted),
    Promise.all([...new Set(sorted.map((i) => Math.floor(i / size)))].map(async (c) => [c, await dois(engine, c)])),
  ]);
  const doiOf = new Map(doiMaps);
  const m = engine.meta;
  return recs.map((r) => {
    const venue = m.venues[engine.venue[r.id]];
    return {
      key: r.key, title: r.title, authors: r.authors, venue: venue.id, venueName: venue.en,
      year: m.years[engine.year[r.id]], workshop: engine.workshop[r.id] === 1, arxiv: r.arxiv,
      doi: doiOf.get(Math.floor(r.id / size))[r.id % size] || null, url: r.paper,
    };
  });
}

export async function make(engine, ids, format) {
  return FORMATS[format].make(await citables(engine, ids));
}

/** Save ``text`` as a file made in the page (no server): a Blob and a link with ``download``. */
export function download(text, name, format) {
  const url = URL.createObjectURL(new Blob([text], { type: `${FORMATS[format].type};charset=utf-8` }));
  const a = el("a", { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// -- the page's side: strings, Export of the current view, Cite on one paper ------------------------
const n_ = (n) => n.toLocaleString("en-US");
const TEXT = {
  en: {
    preparing: (n) => `Preparing ${n_(n)} citations…`, saved: (n, name) => `Saved ${n_(n)} citations as ${name}`,
    failed: "The citation data could not be loaded.", bibtexOf: "BibTeX of this paper", copy: "Copy BibTeX",
    copied: "Copied.", copyByHand: "Selected: press Ctrl+C (⌘C) to copy.", saveAs: (suffix) => `Save ${suffix}`,
  },
  zh: {
    preparing: (n) => `正在生成 ${n_(n)} 条引用…`, saved: (n, name) => `已保存 ${n_(n)} 条引用：${name}`,
    failed: "无法加载引用数据。", bibtexOf: "本文的 BibTeX", copy: "复制 BibTeX",
    copied: "已复制。", copyByHand: "已选中：按 Ctrl+C（⌘C）复制。", saveAs: (suffix) => `保存 ${suffix}`,
  },
};

function fileStem(key) {
  return bibKey(key).replace(/[/:.]+/g, "-");
}

function viewName(state) {
  const parts = [...state.venue, ...state.year, ...state.tag, ...state.pres, ...(state.code ? ["code"] : [])];
  if (state.q) parts.push("search");
  return `papers-${parts.length ? parts.map((x) => String(x).toLowerCase()).join("-") : "all"}`.slice(0, 80);
}

/** Export: every paper of the current view (``ids``) as one file, saved from the page. */
export async function exportView(engine, ids, state, lang, format, status) {
  const t = TEXT[lang] || TEXT.en;
  status.textContent = t.preparing(ids.length);
  try {
    const text = await make(engine, ids, format);
    const name = viewName(state) + FORMATS[format].suffix;
    download(text, name, format);
    status.textContent = t.saved(ids.length, name);
  } catch (err) {
    status.textContent = `${t.failed} (${err.message})`;
  }
}

/** Cite: open (or close) the panel under a paper's Cite button. */
export async function toggleCite(engine, btn, lang) {
  const t = TEXT[lang] || TEXT.en;
  const panelId = btn.getAttribute("aria-controls");
  if (btn.getAttribute("aria-expanded") === "true") {
    document.getElementById(panelId)?.remove();
    btn.setAttribute("aria-expanded", "false");
    return;
  }
  btn.setAttribute("aria-expanded", "true");
  try {
    const panel = await citePanel(engine, Number(btn.dataset.id), t, panelId);
    btn.after(panel);
    panel.querySelector("pre").focus();
  } catch (err) {
    btn.after(el("p", { id: panelId, class: "cite-box", role: "status", text: `${t.failed} (${err.message})` }));
  }
}

/** The Cite panel of one paper: its BibTeX, and buttons to copy it or save .bib / .json. */
async function citePanel(engine, id, t, panelId) {
  const [p] = await citables(engine, [id]);
  const bib = bibtex([p]);
  const pre = el("pre", { class: "cite-text", tabindex: "0", "aria-label": t.bibtexOf, text: bib });
  const status = el("span", { class: "cite-status", role: "status" });
  const copy = el("button", { type: "button", text: t.copy });
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(bib);
      status.textContent = t.copied;
    } catch {
      // No clipboard (http://, permissions): select the text so Ctrl+C copies it.
      getSelection().selectAllChildren(pre);
      status.textContent = t.copyByHand;
    }
  });
  const save = (format) => {
    const b = el("button", { type: "button", "data-format": format, text: t.saveAs(FORMATS[format].suffix) });
    b.addEventListener("click", () => download(FORMATS[format].make([p]), fileStem(p.key) + FORMATS[format].suffix, format));
    return b;
  };
  return el("div", { class: "cite-box", id: panelId }, pre, el("div", { class: "cite-actions" }, copy, save("bibtex"), save("csl-json"), status));
}
