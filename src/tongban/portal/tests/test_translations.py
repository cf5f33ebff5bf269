"""The Simplified-Chinese catalogue: complete, not fuzzy, compiled, and saying the right things.

Source strings (msgids) are English; zh-hans is the default language, so an untranslated string would
show English to most readers. Regenerate the catalogue with ``make messages`` and translate every new
entry before committing.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import translation

import pytest

PO_PATH = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
CJK = re.compile(r"[\u3400-\u9fff]")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{\{\s*\w+\s*\}\}")
# Translations that rightly contain no Chinese character.
NOT_CHINESE = {
    "RSA with SHA-2 256",
    "%(title)s: %(reason)s",
    "%(reason)s (%(basis)s)",
    "%(reason)s: %(text)s",
}


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def parse_po(path: Path) -> list[Entry]:
    """A minimal PO reader: enough for catalogues written by gettext's own tools (no obsolete entries)."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        keyword = line.split(" ", 1)[0]
        starts_entry = line.startswith("#") or keyword in {"msgctxt", "msgid"}
        if starts_entry and (entry is None or entry.msgstr):
            entry = Entry(line=number)
            entries.append(entry)
        assert entry is not None, f"{path}:{number}: text before the first entry"
        if line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            value = ast.literal_eval(line)
        else:
            keyword, _, quoted = line.partition(" ")
            value = ast.literal_eval(quoted)
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            target = ("msgstr", int(match.group(1))) if match else (keyword, 0)
            if target[0] == "msgstr":
                entry.msgstr[target[1]] = ""
        assert target is not None
        name, index = target
        if name == "msgstr":
            entry.msgstr[index] += value
        elif name in {"msgid", "msgid_plural", "msgctxt"}:
            setattr(entry, name, (getattr(entry, name) or "") + value)
    return entries


@pytest.fixture(scope="module")
def catalogue() -> tuple[Entry, list[Entry]]:
    entries = parse_po(PO_PATH)
    assert entries and entries[0].msgid == "", "the catalogue starts with its header"
    return entries[0], entries[1:]


def test_catalogue_exists_and_is_compiled() -> None:
    assert PO_PATH.is_file(), "run `make messages`"
    assert MO_PATH.is_file(), "run `make messages` (compilemessages writes django.mo next to django.po)"


def test_header_declares_chinese_and_is_not_fuzzy(catalogue: tuple[Entry, list[Entry]]) -> None:
    header, _entries = catalogue
    assert "fuzzy" not in header.flags, "msgfmt skips a fuzzy header, losing charset and plural forms"
    text = header.msgstr[0]
    assert "Language: zh_Hans\n" in text
    assert "charset=UTF-8" in text
    assert "Plural-Forms: nplurals=1; plural=0;" in text


def test_every_entry_is_translated_and_not_fuzzy(catalogue: tuple[Entry, list[Entry]]) -> None:
    _header, entries = catalogue
    assert len(entries) > 100
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    empty = [e.msgid for e in entries if not all(e.msgstr.values())]
    assert not fuzzy, f"fuzzy entries (review, then remove the flag): {fuzzy}"
    assert not empty, f"untranslated entries: {empty}"


def test_translations_are_chinese_and_keep_placeholders(catalogue: tuple[Entry, list[Entry]]) -> None:
    _header, entries = catalogue
    for entry in entries:
        for text in entry.msgstr.values():
            if entry.msgid not in NOT_CHINESE:
                assert CJK.search(text), f"line {entry.line}: {entry.msgid!r} is not translated into Chinese"
            expected = sorted(PLACEHOLDER.findall(entry.msgid))
            assert sorted(PLACEHOLDER.findall(text)) == expected, f"line {entry.line}: placeholders differ"


def test_compiled_catalogue_matches_the_po_file(catalogue: tuple[Entry, list[Entry]]) -> None:
    """Every entry of the .po file is what Django actually serves in zh-hans (so the .mo is current)."""
    _header, entries = catalogue
    stale = []
    with translation.override("zh-hans"):
        for entry in entries:
            if entry.msgid_plural is not None:
                served = translation.ngettext(entry.msgid, entry.msgid_plural, 1)
            elif entry.msgctxt is not None:
                served = translation.pgettext(entry.msgctxt, entry.msgid)
            else:
                served = translation.gettext(entry.msgid)
            if served != entry.msgstr[0]:
                stale.append(entry.msgid)
    assert not stale, f"django.mo is out of date (run `make messages`): {stale[:10]}"


KEY_STRINGS = {
    "Sign in": "登录",
    "Sign out": "退出登录",
    "My account": "个人中心",
    "Large text": "大字版",
    "Standard text": "标准字号",
    "Skip to main content": "跳到主要内容",
    "Home": "首页",
    "Workbench": "工作台",
    "Username or ID number": "用户名或居民身份证号码",
    "Password": "密码",
    "ID number": "居民身份证号码",
    "unified social credit code": "统一社会信用代码",
    "Legal representative (法定代表人)": "法定代表人",
    "Authorised agent (经办人)": "经办人",
    "Applicant's ID number": "办事人居民身份证号码",
    "Confirm it is you": "确认本人身份",
    "Who accessed my data": "谁查阅了我的信息",
    "Message centre": "消息中心",
}


@pytest.mark.parametrize(("english", "chinese"), KEY_STRINGS.items())
def test_key_ui_strings(english: str, chinese: str) -> None:
    with translation.override("zh-hans"):
        assert translation.gettext(english) == chinese
    with translation.override("en"):
        assert translation.gettext(english) == english


def test_city_name_is_interpolated() -> None:
    with translation.override("zh-hans"):
        text = translation.gettext("%(city_name)s One Network Services") % {"city_name": "上海市"}
    assert text == "上海市一网通办"
