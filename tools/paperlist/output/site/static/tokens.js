// The search tokenizer: the same rules as tools/paperlist/output/site/tokens.py (tests check both agree).
const CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af";
const TOKEN = new RegExp(`[0-9]{4}\\.[0-9]+|[${CJK}]+|(?:(?![${CJK}])[\\p{L}\\p{N}])+`, "gu");
const MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
const CJK_START = new RegExp(`^[${CJK}]`);

export function normalize(text) {
  return text.normalize("NFKD").replace(MARKS, "").toLowerCase();
}

export function isCjk(token) {
  return CJK_START.test(token);
}

export function runs(text) {
  return normalize(text).match(TOKEN) || [];
}

export function bigrams(run) {
  if (run.length < 2) return [run];
  const out = [];
  for (let i = 0; i < run.length - 1; i++) out.push(run.slice(i, i + 2));
  return out;
}

export function tokens(text) {
  const out = [];
  for (const run of runs(text)) {
    if (isCjk(run)) out.push(...bigrams(run));
    else out.push(run);
  }
  return out;
}

export function shardKey(token) {
  return isCjk(token) ? token.slice(0, 1) : token.slice(0, 2);
}

export function fnv1a(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function shardOf(token, shards) {
  return fnv1a(shardKey(token)) % shards;
}
