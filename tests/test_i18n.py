"""The English translation: real UI strings come out in English, and the compiled catalog matches the .po."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import gettext, ngettext

from nominations.models import Status
from workflows import actions
from workflows.errors import InvalidTransition

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def parse_po(path: Path) -> list[dict]:
    """A tiny .po reader: entries as {"msgid", "msgid_plural", "msgstr": {index: text}, "fuzzy"}."""
    entries, entry, field = [], None, None

    def flush():
        if entry and "msgid" in entry:
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            flush()
            entry, field = None, None
            continue
        if entry is None:
            entry = {"msgstr": {}, "fuzzy": False}
        if line.startswith("#,"):
            entry["fuzzy"] = entry["fuzzy"] or "fuzzy" in line
            continue
        if line.startswith("#"):
            continue
        m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])? (".*")$', line)
        if m:
            field = (m.group(1), int(m.group(2) or 0))
            text = ast.literal_eval(m.group(3))
        else:
            text = ast.literal_eval(line)
        name, index = field
        if name == "msgstr":
            entry["msgstr"][index] = entry["msgstr"].get(index, "") + text
        else:
            entry[name] = entry.get(name, "") + text
    return [e for e in entries if e["msgid"]]


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_the_catalog_is_complete_and_not_fuzzy():
    entries = parse_po(PO)
    assert len(entries) > 300
    assert [e["msgid"] for e in entries if e["fuzzy"] or not all(e["msgstr"].values()) or not e["msgstr"]] == []


def test_the_compiled_catalog_matches_the_po(english):
    """Every translation in the .po is what gettext returns with English active: the .mo is not stale."""
    stale = []
    for e in parse_po(PO):
        if "msgctxt" in e:
            continue
        if "msgid_plural" in e:
            got = [ngettext(e["msgid"], e["msgid_plural"], n) for n in (1, 2)]
            want = [e["msgstr"][0], e["msgstr"][1]]
        else:
            got, want = gettext(e["msgid"]), e["msgstr"][0]
        if got != want:
            stale.append((e["msgid"], got, want))
    assert stale == []


def test_placeholders_are_kept():
    for e in parse_po(PO):
        wanted = sorted(re.findall(r"%\(\w+\)[sd]", e["msgid"]))
        for text in e["msgstr"].values():
            assert sorted(re.findall(r"%\(\w+\)[sd]", text)) == wanted, e["msgid"]


def test_ui_strings_in_english(english):
    assert Template('{% load i18n %}{% translate "Hồ sơ chờ tôi xử lý" %}').render(Context()) == (
        "Nominations awaiting my action"
    )
    count = Template(
        "{% load i18n %}{% blocktranslate count n=n %}{{ n }} hồ sơ đang chờ.{% plural %}{{ n }} hồ sơ đang chờ."
        "{% endblocktranslate %}"
    )
    assert count.render(Context({"n": 1})) == "1 nomination awaiting action."
    assert count.render(Context({"n": 3})) == "3 nominations awaiting action."
    assert str(Status.IN_REVIEW.label) == "Under review"
    assert str(Status.RETURNED.label) == "Returned"
    assert gettext("Bằng khen của Thủ tướng Chính phủ") == "Prime Minister's Certificate of Merit"


def test_vietnamese_stays_the_default():
    with translation.override("vi"):
        assert str(Status.IN_REVIEW.label) == "Đang xét duyệt"


@pytest.mark.django_db
def test_action_error_in_english(users, draft_factory):
    draft = draft_factory()
    with translation.override("en"), pytest.raises(InvalidTransition) as err:
        actions.approve_nomination(actor=users["commune_chair"], nomination=draft, stage=None)
    assert str(err.value.args[0] if err.value.args else err.value) == "Cannot approve a nomination in status “Draft”."


def test_the_language_switch_serves_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    page = client.get("/accounts/login/")
    assert "Log in" in page.content.decode()
