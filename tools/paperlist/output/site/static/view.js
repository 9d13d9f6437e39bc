// Building the page's elements. Paper data only ever goes in as text: textContent, text
// nodes, attribute values set through the DOM. Never innerHTML (the page's Content-Security-
// Policy requires Trusted Types, so an innerHTML assignment would throw).
import { normalize } from "./tokens.js";

const CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af";
const WORD = new RegExp(`[0-9]{4}\\.[0-9]+|(?:(?![${CJK}])[\\p{L}\\p{N}\\p{M}])+`, "gu");

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "text") node.textContent = v;
    else if (k === "class") node.className = v;
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

/** Ranges of ``text`` that a query term matches: whole words (by prefix) and CJK substrings. */
export function matchRanges(text, terms) {
  const ranges = [];
  if (!terms.length) return ranges;
  const words = terms.filter((t) => !t.cjk);
  if (words.length) {
    for (const m of text.matchAll(WORD)) {
      const w = normalize(m[0]);
      if (words.some((t) => w === t.text || w.startsWith(t.text))) ranges.push([m.index, m.index + m[0].length]);
    }
  }
  for (const t of terms) {
    if (!t.cjk) continue;
    let from = 0, at;
    while ((at = text.indexOf(t.text, from)) !== -1) {
      ranges.push([at, at + t.text.length]);
      from = at + t.text.length;
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([...r]);
  }
  return merged;
}

/** ``text`` as text nodes with <mark> around the matches. */
export function highlighted(text, terms) {
  const frag = document.createDocumentFragment();
  let pos = 0;
  for (const [a, b] of matchRanges(text, terms)) {
    if (a > pos) frag.append(document.createTextNode(text.slice(pos, a)));
    frag.append(el("mark", { text: text.slice(a, b) }));
    pos = b;
  }
  if (pos < text.length) frag.append(document.createTextNode(text.slice(pos)));
  return frag;
}

function safeUrl(url) {
  // The builder keeps only http(s) links; checked again so no other scheme can become a link.
  return typeof url === "string" && /^https?:\/\/[^\s]+$/i.test(url) ? url : null;
}

function extLink(label, url) {
  const href = safeUrl(url);
  return href ? el("a", { href, rel: "noopener noreferrer", class: "ext", text: label }) : null;
}

const MAX_AUTHORS = 12;

/** 987, 1.2k, 12k, 3.4M (as the README pages write them). */
export function shortCount(n) {
  if (n < 1000) return String(n);
  if (n < 10000) return `${(n / 1000).toFixed(1)}k`.replace(".0k", "k");
  if (n < 1000000) return `${Math.floor(n / 1000)}k`;
  return `${(n / 1000000).toFixed(1)}M`.replace(".0M", "M");
}

/** One paper as an <article>: title (a permalink), Chinese title, authors, facts, links. */
export function paperArticle(rec, ctx) {
  const { engine, s, lang, terms, anchor } = ctx;
  const m = engine.meta;
  const headingId = `h-${rec.id}-${anchor ? "a" : "l"}`;
  const art = el("article", { class: "paper", id: anchor ? rec.key : null, "aria-labelledby": headingId });
  const title = el("a", { href: `#${rec.key}`, class: "permalink", title: s.permalink });
  title.append(highlighted(rec.title, terms));
  art.append(el("h3", { id: headingId, lang: "en" }, title));
  if (rec.titleZh) {
    const zh = el("p", { class: "title-zh", lang: "zh" });
    zh.append(highlighted(rec.titleZh, terms));
    art.append(zh);
  }
  if (rec.authors.length) {
    const authors = el("p", { class: "authors" });
    const shown = rec.authors.slice(0, MAX_AUTHORS);
    shown.forEach((a, i) => {
      if (i) authors.append(document.createTextNode(", "));
      authors.append(highlighted(a, terms));
    });
    if (rec.authors.length > shown.length) authors.append(document.createTextNode(s.authorsEtAl(rec.authors.length - shown.length)));
    art.append(authors);
  }
  const venue = m.venues[engine.venue[rec.id]];
  const facts = el("p", { class: "facts" });
  const bits = [`${venue.id} ${m.years[engine.year[rec.id]]}`];
  if (engine.workshop[rec.id]) bits.push(s.workshop);
  const pres = engine.pres[rec.id];
  if (pres) bits.push(lang === "zh" ? m.presentations[pres - 1].zh : m.presentations[pres - 1].en);
  facts.append(el("span", { class: "venue", text: bits.join(" · ") }));
  for (let k = engine.tagStart[rec.id]; k < engine.tagStart[rec.id + 1]; k++) {
    const t = m.tags[engine.tagFlat[k]];
    // A real link (shareable, keyboard-usable): the topic across all years and venues.
    // A topic the list's model suggested and no person has confirmed yet: dashed, and says so.
    const machine = (rec.suggested || []).includes(t.id);
    const chip = el("a", { class: machine ? "tag suggested" : "tag", href: `?tag=${encodeURIComponent(t.id)}`, "data-tag": t.id, lang: lang === "zh" ? "zh" : "en" });
    if (machine) chip.title = s.suggestedTopic;
    chip.append(highlighted(t.zh === t.en ? t.en : lang === "zh" ? `${t.zh} · ${t.en}` : `${t.en} · ${t.zh}`, terms));
    facts.append(chip);
  }
  art.append(facts);
  const links = [];
  if (rec.arxiv) {
    const a = el("a", { href: `https://arxiv.org/abs/${encodeURIComponent(rec.arxiv).replace("%2F", "/")}`, rel: "noopener noreferrer", class: "ext" });
    a.append(document.createTextNode(`${s.links.arxiv} `), highlighted(rec.arxiv, terms));
    links.push(a);
  }
  if (rec.paper) links.push(extLink(s.links.paper, rec.paper));
  rec.code.forEach((u, i) => {
    const a = extLink(rec.code.length > 1 ? `${s.links.code} ${i + 1}` : s.links.code, u);
    const info = rec.codeInfo && rec.codeInfo[i];
    if (a && Array.isArray(info) && Number.isInteger(info[0])) {
      // Stars and "archived" from data/repos, as text beside the link.
      const badge = el("span", { class: "stars", title: s.stars(info[0]), text: ` ★ ${shortCount(info[0])}` });
      const wrap = el("span", { class: "code-link" }, a, badge);
      if (info[1] === 1) wrap.append(" ", el("span", { class: "archived", text: s.archived }));
      links.push(wrap);
    } else {
      links.push(a);
    }
  });
  if (rec.project) links.push(extLink(s.links.project, rec.project));
  if (rec.video) links.push(extLink(s.links.video, rec.video));
  rec.readings.forEach(([t, u], i) => {
    const a = extLink(rec.readings.length > 1 ? `${s.links.reading} ${i + 1}` : s.links.reading, u);
    if (a && t) a.title = t;
    links.push(a);
  });
  (rec.other || []).forEach(([t, u]) => links.push(extLink(t || s.links.other, u)));
  const list = el("ul", { class: "links" });
  for (const a of links) if (a) list.append(el("li", {}, a));
  if (list.childElementCount) art.append(list);
  // Cite: its panel is built by cite.js, loaded on the first click (app.js).
  art.append(el("button", { type: "button", class: "cite", "data-id": rec.id, "aria-expanded": "false", "aria-controls": `cite-${headingId}`, text: s.cite }));
  return art;
}
