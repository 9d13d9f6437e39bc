// The search engine: data loading (meta and facets first, index shards and paper text on
// demand), query matching with ranking, and facet counts. No DOM here.
import { bigrams, isCjk, normalize, runs, shardOf, fnv1a } from "./tokens.js";

// Field bits of a posting (tools/paperlist/output/site/data.py) and what a match in each is worth.
const TITLE = 1, TITLE_ZH = 2, AUTHOR = 4, ARXIV = 8;
const W_TITLE = 3, W_ZH = 3, W_AUTHOR = 2, W_ARXIV = 6, W_TAG = 2, W_VENUE = 1;
const PREFIX = 0.6;        // a word the reader is still typing counts a little less
const MAX_EXPANSIONS = 300; // prefix words looked at per term (short prefixes match many)
export const FIELDS = ["key", "title", "titleZh", "authors", "arxiv", "paper", "code", "project", "video", "readings", "other", "suggested", "codeInfo"];

// Postings are base-64 varints (data.py: varints): character code → 5-bit digit (+32 on a last digit).
const VARINT = new Uint8Array(128);
[..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"].forEach((c, i) => (VARINT[c.charCodeAt(0)] = i));

function fieldWeight(bits) {
  let w = 0;
  if (bits & ARXIV) w = Math.max(w, W_ARXIV);
  if (bits & TITLE) w = Math.max(w, W_TITLE);
  if (bits & TITLE_ZH) w = Math.max(w, W_ZH);
  if (bits & AUTHOR) w = Math.max(w, W_AUTHOR);
  return w;
}

/** ``ids`` (ascending) by score, best first, ties in display order: scores take few distinct
 * values, so grouping beats a comparison sort of tens of thousands of ids. */
function byScore(ids, score) {
  const groups = new Map();
  for (const id of ids) {
    const k = score[id];
    const g = groups.get(k);
    if (g) g.push(id);
    else groups.set(k, [id]);
  }
  const out = [];
  for (const k of [...groups.keys()].sort((a, b) => b - a)) for (const id of groups.get(k)) out.push(id);
  return out;
}

export class Engine {
  constructor(base) {
    this.base = base;
    this.shards = new Map();
    this.chunks = new Map();
    this.keyShards = new Map();
  }

  url(path) {
    const u = new URL(path, this.base);
    if (this.meta) u.searchParams.set("v", this.meta.version);
    return u;
  }

  async json(path) {
    const res = await fetch(this.url(path), { cache: path === "data/meta.json" ? "no-cache" : "default" });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return res.json();
  }

  async init() {
    this.meta = await this.json("data/meta.json");
    const f = await this.json("data/facets.json");
    const n = (this.n = this.meta.count);
    this.venue = Uint16Array.from(f.venue);
    this.year = Uint16Array.from(f.year);
    this.code = Uint8Array.from(f.code);
    this.pres = Uint8Array.from(f.pres);
    this.workshop = Uint8Array.from(f.workshop);
    // Papers whose code is archived or inactive (data/repos), sent sparse: most code is alive.
    this.stale = new Uint8Array(n);
    for (const id of f.stale || []) if (id >= 0 && id < n) this.stale[id] = 1;
    this.staleCount = (f.stale || []).length;
    let total = 0;
    for (const t of f.tags) total += t.length;
    this.tagStart = new Uint32Array(n + 1);
    this.tagFlat = new Uint16Array(total);
    const perTag = this.meta.tags.map(() => []);
    let k = 0;
    for (let i = 0; i < n; i++) {
      this.tagStart[i] = k;
      for (const t of f.tags[i]) {
        this.tagFlat[k++] = t;
        perTag[t].push(i);
      }
    }
    this.tagStart[n] = k;
    this.tagPapers = perTag.map((ids) => Int32Array.from(ids));
    this.venuePapers = this.meta.venues.map(() => []);
    for (let i = 0; i < n; i++) this.venuePapers[this.venue[i]].push(i);
    // Words of each topic and venue name, for matching them like paper text.
    this.tagWords = this.meta.tags.map((t) => ({
      words: new Set([...runs(t.en), ...runs(t.id)]),
      zh: normalize(t.zh),
    }));
    this.venueWords = this.meta.venues.map((v) => normalize(v.id));
    this.acc = new Float32Array(n);
    this.hits = new Uint8Array(n);
    this.termScore = new Float32Array(n);
  }

  // -- data on demand --------------------------------------------------------------------------
  shard(s) {
    if (!this.shards.has(s)) {
      const p = this.json(`data/i/${s}.json`).then((raw) => ({
        raw,
        // Sorted here: JSON objects list integer-like keys ("2016") first, whatever the file's order.
        keys: Object.keys(raw).sort(),
        decoded: new Map(),
      }));
      p.catch(() => this.shards.delete(s)); // a failed fetch is tried again next time
      this.shards.set(s, p);
    }
    return this.shards.get(s);
  }

  chunk(c) {
    if (!this.chunks.has(c)) {
      const p = this.json(`data/p/${c}.json`);
      p.catch(() => this.chunks.delete(c));
      this.chunks.set(c, p);
    }
    return this.chunks.get(c);
  }

  /** Records (objects with FIELDS) for paper numbers, fetching the files that hold them. */
  async records(ids) {
    const size = this.meta.chunk;
    const need = [...new Set(Array.from(ids, (i) => Math.floor(i / size)))];
    const loaded = new Map(await Promise.all(need.map(async (c) => [c, await this.chunk(c)])));
    return Array.from(ids, (i) => {
      const row = loaded.get(Math.floor(i / size))[i % size];
      const rec = { id: i };
      FIELDS.forEach((name, j) => (rec[name] = row[j]));
      return rec;
    });
  }

  /** Each paper's stars (its most-starred repository), fetched the first time a reader sorts by them. */
  stars() {
    if (!this.starsP) {
      this.starsP = this.json("data/stars.json").then((a) => Int32Array.from(a));
      this.starsP.catch(() => (this.starsP = null));
    }
    return this.starsP;
  }

  /** ``ids`` most stars first; equal stars keep their order (rank, or the list's order). */
  byStars(ids, stars) {
    return Array.from(ids).map((id, i) => [id, i]).sort((a, b) => stars[b[0]] - stars[a[0]] || a[1] - b[1]).map((x) => x[0]);
  }

  /** Paper number for a permalink key, or -1. */
  async lookup(key) {
    const s = fnv1a(key) % this.meta.keyShards;
    if (!this.keyShards.has(s)) this.keyShards.set(s, this.json(`data/k/${s}.json`));
    const map = await this.keyShards.get(s);
    return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : -1;
  }

  // -- queries ---------------------------------------------------------------------------------
  /** Terms of a query: word runs (the last one a prefix while still being typed) and CJK runs. */
  parse(q) {
    const rs = runs(q);
    const open = rs.length > 0 && !/\s$/.test(q);
    const terms = rs.map((text, i) => {
      const cjk = isCjk(text);
      const last = open && i === rs.length - 1;
      return { text, cjk, prefix: last && (cjk ? text.length === 1 : text.length >= 2), typing: last };
    });
    // A first letter still being typed narrows nothing useful yet: the list stays as it was.
    // At most 32 terms: a pasted paragraph still searches, and per-paper hit counters stay small.
    return terms.filter((t) => !(t.typing && !t.cjk && t.text.length < 2)).slice(0, 32);
  }

  /** Index tokens whose shards a query needs. */
  tokensOf(terms) {
    const out = [];
    for (const t of terms) out.push(...(t.cjk ? bigrams(t.text) : [t.text]));
    return out;
  }

  /** Fetch what the query needs; resolves at once when it is all there. */
  async prepare(terms) {
    const s = this.meta.shards;
    const want = [...new Set(this.tokensOf(terms).map((tok) => shardOf(tok, s)))];
    return new Map(await Promise.all(want.map(async (i) => [i, await this.shard(i)])));
  }

  postings(sh, token) {
    let d = sh.decoded.get(token);
    if (d === undefined) {
      const packed = sh.raw[token];
      if (!packed) {
        d = null;
      } else {
        const bits = this.meta.fieldBits, mask = (1 << bits) - 1;
        const ids = [], fields = [];
        let last = 0, v = 0, shift = 0;
        for (let i = 0; i < packed.length; i++) {
          const digit = VARINT[packed.charCodeAt(i)];
          if (digit < 32) {
            v |= digit << shift;
            shift += 5;
          } else {
            v |= (digit - 32) << shift;
            last += v >>> bits;
            ids.push(last);
            fields.push(v & mask);
            v = 0;
            shift = 0;
          }
        }
        d = { ids: Int32Array.from(ids), fields: Uint8Array.from(fields) };
      }
      sh.decoded.set(token, d);
    }
    return d;
  }

  /** Tokens in a loaded shard that start with ``prefix`` (keys are sorted). */
  expand(sh, prefix) {
    const keys = sh.keys;
    let lo = 0, hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (keys[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out = [];
    for (let i = lo; i < keys.length && keys[i].startsWith(prefix) && out.length < MAX_EXPANSIONS; i++) out.push(keys[i]);
    return out;
  }

  /**
   * Papers matching every term, with scores. Synchronous: call after ``prepare``.
   * Returns null for an empty query (every paper matches, in display order).
   */
  match(terms, shards) {
    if (!terms.length) return null;
    const n = this.n, acc = this.acc, hits = this.hits, ts = this.termScore;
    acc.fill(0);
    hits.fill(0);
    let firstTouched = null;
    for (const term of terms) {
      ts.fill(0);
      const touched = [];
      const add = (id, w) => {
        if (ts[id] === 0) touched.push(id);
        if (w > ts[id]) ts[id] = w;
      };
      const addPostings = (d, factor) => {
        if (!d) return;
        for (let i = 0; i < d.ids.length; i++) add(d.ids[i], fieldWeight(d.fields[i]) * factor);
      };
      if (term.cjk) {
        const grams = bigrams(term.text);
        if (term.prefix) {
          const sh = shards.get(shardOf(term.text, this.meta.shards));
          for (const tok of this.expand(sh, term.text)) addPostings(this.postings(sh, tok), tok === term.text ? 1 : PREFIX);
        } else {
          // Every distinct bigram must occur (a close stand-in for the phrase).
          const uniq = [...new Set(grams)];
          const count = new Uint8Array(n), best = new Float32Array(n);
          for (const g of uniq) {
            const d = this.postings(shards.get(shardOf(g, this.meta.shards)), g);
            if (!d) break; // one bigram nowhere: no paper has the phrase
            for (let i = 0; i < d.ids.length; i++) {
              const id = d.ids[i];
              count[id]++;
              best[id] = Math.max(best[id], fieldWeight(d.fields[i]));
            }
          }
          for (let id = 0; id < n; id++) if (count[id] === uniq.length) add(id, best[id]);
        }
        this.tagWords.forEach((tw, t) => {
          if (tw.zh.includes(term.text)) for (const id of this.tagPapers[t]) add(id, W_TAG);
        });
      } else {
        const sh = shards.get(shardOf(term.text, this.meta.shards));
        addPostings(this.postings(sh, term.text), 1);
        if (term.prefix) {
          for (const tok of this.expand(sh, term.text)) if (tok !== term.text) addPostings(this.postings(sh, tok), PREFIX);
        }
        this.tagWords.forEach((tw, t) => {
          let w = 0;
          for (const word of tw.words) {
            if (word === term.text) w = W_TAG;
            else if (term.prefix && word.startsWith(term.text)) w = Math.max(w, W_TAG * PREFIX);
          }
          if (w) for (const id of this.tagPapers[t]) add(id, w);
        });
        this.venueWords.forEach((v, vi) => {
          if (v === term.text || (term.prefix && v.startsWith(term.text))) for (const id of this.venuePapers[vi]) add(id, W_VENUE);
        });
      }
      for (const id of touched) {
        hits[id]++;
        acc[id] += ts[id];
      }
      if (firstTouched === null) firstTouched = touched;
    }
    const need = terms.length;
    const ids = firstTouched.filter((id) => hits[id] === need);
    return { ids, score: acc };
  }

  /**
   * Apply filters to a match (or to all papers) and count every facet value the way a reader
   * expects: a value's count is what the list would hold if it were also chosen, so values of
   * one facet add up (OR within a facet, AND across facets).
   */
  filter(matched, f) {
    if (matched) return this.filterNow(matched, f);
    // No query: the same filters give the same answer, and browsing goes back and forth.
    const key = JSON.stringify([...Object.values(f)].map((v) => (v instanceof Set ? [...v].sort() : v)));
    if (this.lastAll?.key !== key) this.lastAll = { key, res: this.filterNow(null, f) };
    return this.lastAll.res;
  }

  filterNow(matched, f) {
    const n = this.n, m = this.meta;
    const vSel = new Uint8Array(m.venues.length), ySel = new Uint8Array(m.years.length);
    const tSel = new Uint8Array(m.tags.length), pSel = new Uint8Array(m.presentations.length + 1);
    f.venue.forEach((i) => (vSel[i] = 1));
    f.year.forEach((i) => (ySel[i] = 1));
    f.tag.forEach((i) => (tSel[i] = 1));
    f.pres.forEach((i) => (pSel[i] = 1));
    const anyV = f.venue.size === 0, anyY = f.year.size === 0, anyT = f.tag.size === 0, anyP = f.pres.size === 0;
    const counts = {
      venue: new Uint32Array(m.venues.length), year: new Uint32Array(m.years.length),
      tag: new Uint32Array(m.tags.length), pres: new Uint32Array(m.presentations.length + 1), code: 0, stale: 0,
    };
    const out = [];
    const { venue, year, code, pres, tagStart, tagFlat, stale } = this;
    const visit = (id) => {
      const okV = anyV || vSel[venue[id]] === 1;
      const okY = anyY || ySel[year[id]] === 1;
      const okP = anyP || pSel[pres[id]] === 1;
      const okC = !f.code || code[id] === 1;
      const okS = !f.stale || stale[id] === 1;
      let okT = anyT;
      if (!okT) for (let k = tagStart[id]; k < tagStart[id + 1]; k++) if (tSel[tagFlat[k]]) { okT = true; break; }
      const fails = (okV ? 0 : 1) + (okY ? 0 : 1) + (okP ? 0 : 1) + (okC ? 0 : 1) + (okT ? 0 : 1) + (okS ? 0 : 1);
      if (fails > 1) return;
      if (fails === 0) out.push(id);
      if (okY && okP && okC && okT && okS) counts.venue[venue[id]]++;
      if (okV && okP && okC && okT && okS) counts.year[year[id]]++;
      if (okV && okY && okC && okT && okS) counts.pres[pres[id]]++;
      if (okV && okY && okP && okT && okS && code[id]) counts.code++;
      if (okV && okY && okP && okC && okT && stale[id]) counts.stale++;
      if (okV && okY && okP && okC && okS) for (let k = tagStart[id]; k < tagStart[id + 1]; k++) counts.tag[tagFlat[k]]++;
    };
    if (matched) for (const id of matched.ids) visit(id);
    else for (let id = 0; id < n; id++) visit(id);
    return { ids: matched ? byScore(out, matched.score) : out, counts };
  }
}
