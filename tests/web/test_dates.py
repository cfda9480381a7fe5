"""Every date a person types or reads is dd/mm/yyyy, in every language: the app's forms, the admin, a browser whose
own locale is English. The API keeps ISO 8601."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation
from playwright.sync_api import expect

from nominations.models import Round
from tests.admin_forms import post_change_form
from tests.web.test_browser import PASSWORD, browser  # noqa: F401 - the module's Chromium, shared
from web.forms import ActionForm, AuditFilterForm, CouncilVoteForm
from workflows import registry

JAN_2, JAN_13 = datetime.date(2027, 1, 2), datetime.date(2027, 1, 13)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_app_s_date_fields_read_day_first_in_every_language(db, language):
    with translation.override(language):
        form = AuditFilterForm({"since": "02/01/2027", "until": "13/01/2027"})
        assert form.is_valid(), form.errors
        assert (form.cleaned_data["since"], form.cleaned_data["until"]) == (JAN_2, JAN_13)
        iso = AuditFilterForm({"since": "2027-01-02"})  # links and bookmarks carry ISO dates
        assert iso.is_valid() and iso.cleaned_data["since"] == JAN_2
        wrong = AuditFilterForm({"since": "01/13/2027"})  # month first: refused, with the format to use
        assert not wrong.is_valid() and "dd/mm/yyyy" in wrong.errors["since"][0]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_app_s_date_inputs_are_text_boxes_showing_day_first(db, language):
    with translation.override(language):
        html = str(AuditFilterForm({"since": "02/01/2027"})["since"])
        assert 'type="text"' in html and 'value="02/01/2027"' in html and 'placeholder="dd/mm/yyyy"' in html
        unbound = AuditFilterForm(initial={"since": JAN_2})
        assert 'value="02/01/2027"' in str(unbound["since"])
        action = ActionForm({"decision_date": "02/01/2027"}, action=registry.get("approve"), final=True)
        action.is_valid()
        assert action.cleaned_data["decision_date"] == JAN_2
        vote = CouncilVoteForm({"meeting_date": "13/01/2027"}, minutes=Round.objects.none())
        vote.is_valid()
        assert vote.cleaned_data["meeting_date"] == JAN_13
        assert formats.date_format(JAN_2) == formats.date_format(JAN_2, "SHORT_DATE_FORMAT") == "02/01/2027"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_admin_reads_and_shows_dates_day_first(login, language):
    client = login("admin")
    client.cookies["django_language"] = language
    round_ = Round.objects.order_by("pk").first()
    response = post_change_form(client, round_, opens_on="02/01/2027", closes_on="13/01/2027")
    assert response.status_code == 302, response.content.decode()[:2000]
    round_.refresh_from_db()
    assert (round_.opens_on, round_.closes_on) == (JAN_2, JAN_13)
    page = client.get(reverse("admin:nominations_round_change", args=[round_.pk])).content.decode()
    assert 'value="02/01/2027"' in page and 'value="13/01/2027"' in page
    listing = client.get(reverse("admin:nominations_round_changelist")).content.decode()
    assert "02/01/2027" in listing


def test_the_api_keeps_iso_dates(api, users):
    body = api("admin").get("/api/rounds/").json()
    rounds = body["results"] if isinstance(body, dict) else body
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", rounds[0]["opens_on"])


def test_an_english_browser_types_and_reads_dd_mm_yyyy(browser, live_server, users):  # noqa: F811
    """The page is in English (the browser asks for it) and the browser's own date format is mm/dd/yyyy: the
    inspector still types 02/01/2027 for 2 January, and 13/01/2027 is a date."""
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill("inspector")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_label("Password").press("Enter")
        expect(page.get_by_test_id("current-user")).to_be_visible()
        page.goto(f"{live_server.url}/audit/")
        page.locator("summary").first.click()
        since, until = page.locator("input[name=since]"), page.locator("input[name=until]")
        assert since.get_attribute("type") == "text" and since.get_attribute("placeholder") == "dd/mm/yyyy"
        since.fill("02/01/2020")
        until.fill("13/01/2020")
        until.press("Enter")
        page.wait_for_url(re.compile(r"since=02%2F01%2F2020"))
        expect(page.locator("input[name=since]")).to_have_value("02/01/2020")  # read back as 2 January
        expect(page.locator("input[name=until]")).to_have_value("13/01/2020")
        expect(page.locator(".field-message")).to_have_count(0)
        expect(page.get_by_test_id("audit-events")).to_contain_text("No events")  # nothing happened then
        today = timezone.localdate()
        page.locator("input[name=since]").fill(today.strftime("%d/%m/%Y"))
        page.locator("input[name=until]").fill(today.strftime("%d/%m/%Y"))
        page.locator("input[name=until]").press("Enter")
        expect(page.locator("input[name=since]")).to_have_value(today.strftime("%d/%m/%Y"))
        expect(page.get_by_test_id("audit-events")).to_contain_text(today.strftime("%d/%m/%Y"))  # today's events
        page.locator("input[name=since]").fill("01/13/2027")  # month first: refused with the format to use
        page.locator("input[name=since]").press("Enter")
        expect(page.locator(".field-message")).to_contain_text("dd/mm/yyyy")
    finally:
        context.close()
