// Interface strings in every language of the catalogue. Paper titles show in both whatever the choice.
// The words live in paperlist/data/messages (one source for the site, the findings and the PR comment);
// `paperlist site` writes them into strings.js, and this module only fills their {fields}.
import { TEMPLATES } from "./strings.js";

function fmt(n) {
  return n.toLocaleString("en-US");
}

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? values[name] : whole));
}

function strings(t) {
  return {
    ...t,
    count: (n, total) => fill(n === total ? t.countAll : t.countSome, { n: fmt(n), total: fmt(total) }),
    more: (n) => fill(t.more, { n: fmt(n) }),
    authorsEtAl: (n) => fill(t.authorsEtAl, { n: fmt(n) }),
    stars: (n) => fill(t.stars, { n: fmt(n) }),
    filtersN: (n) => (n ? fill(t.filtersN, { n: fmt(n) }) : t.filters),
    exportN: (n) => (n === 1 ? t.exportOne : fill(t.exportN, { n: fmt(n) })),
  };
}

export const STRINGS = Object.fromEntries(Object.entries(TEMPLATES).map(([lang, t]) => [lang, strings(t)]));

const KEY = "paperlist.lang";

export function initialLang(params) {
  const asked = params.get("lang");
  if (asked === "en" || asked === "zh") return asked;
  try {
    const saved = localStorage.getItem(KEY);
    if (saved === "en" || saved === "zh") return saved;
  } catch {
    // storage may be off (private mode, file://): fall through to the browser's language
  }
  return (navigator.language || "").toLowerCase().startsWith("zh") ? "zh" : "en";
}

export function saveLang(lang) {
  try {
    localStorage.setItem(KEY, lang);
  } catch {
    // not remembered then; the switch still works for this page
  }
}
