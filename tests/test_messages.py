"""The message catalogue (paperlist/data/messages/<lang>.yaml) held to the code that uses it: every id
the code names exists in every shipped language with fields the code gives, no id is left unused,
and a missing language or id never raises in front of a user."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from paperlist.findings import Finding
from paperlist.infra import messages
from paperlist.infra.messages import Join, fields, hint, lookup, say, text

PKG = Path(__file__).resolve().parents[1] / "tools" / "paperlist"
CATALOGUE = PKG / "data" / "messages"
# `w` is output.render's Words (the README's words in the list's language).
LOOKUPS = {"say", "hint", "text", "pair", "both", "bilingual", "shown", "lookup", "message_text", "w"}
SHIPPED = messages.languages()
# File names share the shape of an id (linkcheck.yaml); no id ends in a file suffix.
FILE_SUFFIXES = {"yaml", "yml", "json", "py", "md", "txt", "js", "html", "css", "csv", "tsv", "xml"}


def _sources() -> Iterator[tuple[Path, ast.AST]]:
    for path in sorted(PKG.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def _calls() -> list[tuple[str, str, set[str] | None]]:
    """(where, id, keyword names or None when a ``**`` splat hides them) of each lookup with a literal id."""
    out = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in LOOKUPS):
                continue
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                names = {k.arg for k in node.keywords if k.arg}
                splat = any(k.arg is None for k in node.keywords)
                out.append((f"{path.relative_to(PKG)}:{node.lineno}", node.args[0].value, None if splat else names))
    return out


def _namespaces() -> set[str]:
    return {key.split(".")[0] for key in messages.catalogue("en")}


def _id_literals() -> dict[str, str]:
    """Every string constant in the code shaped like a message id of a known namespace (ids kept in tables)."""
    names = "|".join(map(re.escape, sorted(_namespaces())))
    shape = re.compile(rf"^(?:{names})\.[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$")
    out = {}
    for path, tree in _sources():
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and shape.match(node.value)
                    and node.value.rsplit(".", 1)[-1] not in FILE_SUFFIXES):
                out.setdefault(node.value, f"{path.relative_to(PKG)}:{node.lineno}")
    return out


def test_english_and_chinese_are_shipped() -> None:
    assert SHIPPED[:1] == ("en",)
    assert "zh" in SHIPPED
    assert messages.catalogue("en") and messages.catalogue("zh")


@pytest.mark.parametrize("lang", SHIPPED)
def test_a_catalogue_file_is_a_flat_mapping_of_ids_to_text_without_duplicates(lang: str) -> None:
    class Strict(yaml.SafeLoader):
        pass

    def no_duplicates(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[str, str]:
        keys = [loader.construct_object(k) for k, _ in node.value]
        dupes = {k for k in keys if keys.count(k) > 1}
        assert not dupes, f"{lang}.yaml defines {sorted(dupes)} twice"
        return {loader.construct_object(k): loader.construct_object(v) for k, v in node.value}

    Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, no_duplicates)
    data = yaml.load((CATALOGUE / f"{lang}.yaml").read_text(encoding="utf-8"), Loader=Strict)
    assert isinstance(data, dict)
    bad = {k: v for k, v in data.items() if not isinstance(k, str) or not isinstance(v, str) or not v.strip()}
    assert not bad, f"{lang}.yaml: ids must map to non-empty text: {bad}"


def test_every_id_the_code_names_exists_in_every_language_with_the_fields_the_code_gives() -> None:
    calls = _calls()
    assert len(calls) > 150  # the scan sees the call sites (a broken scan would pass vacuously)
    problems = []
    for where, key, given in calls:
        for lang in SHIPPED:
            template = messages.catalogue(lang).get(key)
            if template is None:
                problems.append(f"{where}: {key!r} is missing from {lang}.yaml")
            elif given is not None and not fields(template) <= given:
                problems.append(f"{where}: {lang}.yaml {key!r} uses {sorted(fields(template) - given)}, "
                                f"which the code does not give")
    for key, where in _id_literals().items():
        problems += [f"{where}: {key!r} is missing from {lang}.yaml" for lang in SHIPPED
                     if key not in messages.catalogue(lang)]
    assert not problems, "\n".join(problems)


def test_every_language_has_exactly_the_english_ids() -> None:
    english = messages.catalogue("en")
    problems = []
    for lang in SHIPPED[1:]:
        other = messages.catalogue(lang)
        problems += [f"{lang}.yaml lacks {k!r}" for k in sorted(set(english) - set(other))]
        problems += [f"{lang}.yaml has {k!r}, which en.yaml lacks" for k in sorted(set(other) - set(english))]
    assert not problems, "\n".join(problems)


def test_no_id_is_left_unused() -> None:
    used = {key for _, key, _ in _calls()} | set(_id_literals())
    unused = sorted(set(messages.catalogue("en")) - used)
    assert not unused, f"ids no code names (remove them or use them): {unused}"


def test_every_template_formats_with_its_own_fields() -> None:
    for lang in SHIPPED:
        for key, template in messages.catalogue(lang).items():
            values = {name: 12345 for name in fields(template)}
            assert lookup(key, lang, **values) is not None, f"{lang}.yaml {key!r} does not format: {template!r}"


def test_a_finding_gets_both_languages_with_the_fields_filled() -> None:
    f = Finding(file="papers/x.yaml", severity="error", check="yaml",
                **say("validate.length.max", where="title", n=70_000, limit=300), **hint("validate.mojibake.hint"))
    assert f.message == "title is 70000 characters; at most 300 allowed"
    assert f.message_zh == "title 长度为 70000 个字符，最多 300 个"
    assert f.hint == "copy the title again from the paper or arXiv"
    assert f.hint_zh == "请从论文或 arXiv 重新复制标题"


def test_joined_items_use_each_languages_words() -> None:
    said = hint("validate.tag.close", choices=Join(["'a'", "'b'"]))
    assert said["hint"] == "did you mean 'a' or 'b'?"
    assert said["hint_zh"] == "是否想写 'a' 或 'b'？"


def test_a_missing_language_or_id_falls_back_to_english_and_is_recorded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(messages, "_MISSES", set())
    assert text("validate.mojibake", "xx") == text("validate.mojibake")  # a language nobody shipped
    assert text("no.such-id") == "no.such-id"  # never an exception
    assert say("no.such-id")["message_zh"] is None
    # A translation naming a field the code does not give falls back rather than raising KeyError.
    monkeypatch.setitem(messages.catalogue("zh"), "validate.mojibake", "乱码 {nope}")
    assert text("validate.mojibake", "zh") == text("validate.mojibake")
    assert messages.misses() >= {("xx", "validate.mojibake"), ("en", "no.such-id"), ("zh", "no.such-id"),
                                 ("zh", "validate.mojibake")}


def test_a_template_cannot_reach_into_the_values_it_formats(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(messages, "_MISSES", set())
    monkeypatch.setitem(messages.catalogue("zh"), "validate.author.digit", "{name.__class__}")
    assert say("validate.author.digit", name="Kaiming He1")["message_zh"] is None


def test_the_site_takes_its_words_from_the_catalogue() -> None:
    from paperlist.output.site.strings import SITE_STRINGS, strings_js

    body = strings_js().decode()
    data = json.loads(body[body.index("{"):body.rindex("}") + 1])
    assert list(data) == list(SHIPPED)
    assert data["zh"]["searchLabel"] == messages.catalogue("zh")["site.ui.search-label"] == "搜索论文"
    assert data["en"]["links"]["code"] == "Code" and data["zh"]["countSome"] == "{total} 篇中的 {n} 篇"
    # Every site.ui id is on the page, and the page's own scripts hold no words of their own.
    assert set(SITE_STRINGS) == {k for k in messages.catalogue("en") if k.startswith("site.ui.")}
    i18n = (PKG / "output" / "site" / "static" / "i18n.js").read_text(encoding="utf-8")
    assert not re.search(r"[\u4e00-\u9fff]", i18n) and "Search papers" not in i18n


def test_findings_that_had_english_only_now_say_it_in_chinese_too(tmp_path: Path) -> None:
    from paperlist.checks.validate import validate
    from projectkit import make_project, paper_yaml

    root = make_project(tmp_path / "p")
    folder = root / "papers" / "cvpr2020"
    folder.mkdir()
    (folder / "a-good-paper.yaml").write_text(paper_yaml("A Good Paper", venue="CPVR", titel="x"), encoding="utf-8")
    (root / "notes.yaml").write_text(paper_yaml("Elsewhere"), encoding="utf-8")
    report = validate(root, [folder / "a-good-paper.yaml", root / "notes.yaml"])
    by_check = {(f.file, f.check): f for f in report.findings}
    venue = by_check[("papers/cvpr2020/a-good-paper.yaml", "vocabulary")]
    assert venue.message == "unknown venue 'CPVR'" and venue.message_zh == "未知的会议 'CPVR'"
    # The hint was the English twice before the catalogue.
    assert venue.hint.startswith("known venues: CVPR, ICCV") and venue.hint_zh.startswith("已知的会议：CVPR, ICCV")
    field = next(f for f in report.findings if f.message == "unknown field 'titel'")
    assert field.message_zh == "未知字段 'titel'" and field.hint_zh == "是否想写 'title'？"
    outside = by_check[("notes.yaml", "files")]
    assert outside.message_zh == "不是论文文件：论文文件应放在 papers/ 下"  # had no Chinese before


def test_every_language_a_list_may_name_has_a_catalogue() -> None:
    from paperlist.project.settings import LANGUAGES

    schema = json.loads((PKG / "data" / "schema" / "paperlist.schema.json").read_text(encoding="utf-8"))
    allowed = schema["properties"]["languages"]["items"]["enum"]
    assert set(allowed) == set(LANGUAGES) == set(messages.FINDING_LANGUAGES)
    assert set(allowed) <= set(SHIPPED)  # `languages: [en, zh]` never names a language without its words
