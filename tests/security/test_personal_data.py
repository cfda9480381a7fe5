"""Personal data (Decree 13/2023/NĐ-CP; docs/personal-data.md): a nominee's identity number and hold notes are
masked on every page and API answer; those allowed reveal them, each reveal one audit event; out of scope is 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from playwright.sync_api import expect

from audit.models import Event
from nominations.models import Nominee
from tests.admin_forms import post_change_form
from tests.web.test_browser import PASSWORD, browser  # noqa: F401 - the browser tests' Chromium
from workflows import actions, demo

NUMBER, MASKED = "001099012345", "*********345"
NOTE, CLEAR_NOTE = "Đang xem xét kỷ luật theo tờ trình số 7", "Kết luận không vi phạm"
READERS = ["unit_head", "commune_staff", "commune_chair", "commune_secretary", "inspector", "chief_inspector",
           "admin"]
MAY_REVEAL_ALL = ["inspector", "chief_inspector", "admin"]  # they place and clear holds over the nominee's unit
MAY_NOT = ["unit_head", "commune_staff", "commune_chair", "commune_secretary"]


@pytest.fixture
def held(draft_factory, users):
    """A BK_TINH nomination at the commune chair's decision, its nominee (with an identity number) on hold, and
    an earlier hold cleared."""
    n = draft_factory(award="BK_TINH", name="Đinh Văn Kỷ", identity_number=NUMBER)
    actions.submit_nomination(actor=users["unit_head"], nomination=n)
    demo.approve_in_turn(users, n, "commune_staff")
    first = actions.place_hold(actor=users["inspector"], nominee=n.nominee, reason="complaint", note="Đơn cũ",
                               upload=SimpleUploadedFile("don.pdf", demo.PDF))
    actions.clear_hold(actor=users["inspector"], hold=first, note=CLEAR_NOTE)
    actions.place_hold(actor=users["inspector"], nominee=n.nominee, reason="discipline", note=NOTE,
                       upload=SimpleUploadedFile("qd.pdf", demo.PDF))
    n.refresh_from_db()
    return n


def reveals() -> list[Event]:
    return list(Event.objects.filter(action="nominee.reveal").order_by("seq"))


def shown_to(username, login, api, nomination) -> str:
    """Every page and API answer that shows the nomination or its nominee to `username`, as one text."""
    client = login(username)
    texts = [client.get(reverse("nomination-detail", args=[nomination.pk])).content.decode(),
             client.get(reverse("nomination-list")).content.decode(),
             client.get(reverse("home")).content.decode()]
    for url in (f"/api/nominations/{nomination.pk}/", "/api/nominations/", f"/api/nominations/{nomination.pk}/holds/",
                f"/api/nominations/{nomination.pk}/events/", "/api/inbox/"):
        response = api(username).get(url)
        assert response.status_code == 200, (url, response.status_code)
        texts.append(response.content.decode())
    if username in ("inspector", "chief_inspector", "admin"):
        texts.append(client.get(reverse("audit-events")).content.decode())
        texts.append(api(username).get("/api/audit/events/").content.decode())
    return "\n".join(texts)


@pytest.mark.parametrize("username", READERS)
def test_every_page_and_answer_masks_the_number_and_the_hold_notes(username, login, api, held):
    before = len(reveals())
    text = shown_to(username, login, api, held)
    assert NUMBER not in text and NOTE not in text and CLEAR_NOTE not in text and "Đơn cũ" not in text
    assert MASKED in text  # the nominee's number, masked, in the nomination's answer
    assert len(reveals()) == before  # reading pages and lists records no reveal


@pytest.mark.parametrize("username", MAY_REVEAL_ALL)
def test_inspectors_and_administrators_reveal_both_and_each_reveal_is_audited(username, login, api, users, held):
    page = login(username).post(reverse("personal-data-reveal", args=[held.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert NUMBER in text and NOTE in text and CLEAR_NOTE in text
    answer = api(username).post(f"/api/nominations/{held.pk}/personal-data/")
    assert answer.status_code == 200
    body = answer.json()
    assert body["identity_number"] == NUMBER
    assert [(h["reason"], h["note"], h["clear_note"]) for h in body["holds"]] == [
        ("discipline", NOTE, ""), ("complaint", "Đơn cũ", CLEAR_NOTE)]
    events = reveals()
    assert len(events) == 2  # one per reveal, page and API alike
    for event in events:
        assert event.actor == users[username] and event.object_type == "nominations.nominee"
        assert event.object_id == str(held.nominee_id) and event.org_unit == "LC-SAPA-THCS"
        assert event.data["nomination"] == held.pk and event.data["fields"] == ["hold_notes", "identity_number"]
        assert len(event.data["holds"]) == 2


@pytest.mark.parametrize("username", MAY_NOT)
def test_proposers_after_submission_reviewers_and_secretaries_are_refused(username, login, api, held):
    page = login(username).post(reverse("personal-data-reveal", args=[held.pk]))
    assert page.status_code == 403 and NUMBER not in page.content.decode()
    answer = api(username).post(f"/api/nominations/{held.pk}/personal-data/")
    assert answer.status_code == 403 and NUMBER not in answer.content.decode()
    assert 'data-testid="reveal"' not in login(username).get(reverse("nomination-detail", args=[held.pk])).content.decode()
    assert reveals() == []


@pytest.mark.parametrize("username", ["hanoi_unit_head", "hanoi_staff", "hanoi_chair"])
def test_outside_the_scope_a_reveal_is_not_found_and_records_nothing(username, login, api, held):
    assert login(username).post(reverse("personal-data-reveal", args=[held.pk])).status_code == 404
    assert api(username).post(f"/api/nominations/{held.pk}/personal-data/").status_code == 404
    assert reveals() == []


def test_a_reveal_is_a_post(login, api, held):
    assert login("inspector").get(reverse("personal-data-reveal", args=[held.pk])).status_code == 405
    assert api("inspector").get(f"/api/nominations/{held.pk}/personal-data/").status_code == 405
    assert reveals() == []


def test_the_proposer_reveals_the_number_while_preparing_and_not_after(login, api, users, draft_factory):
    draft = draft_factory(identity_number=NUMBER)
    detail = login("unit_head").get(reverse("nomination-detail", args=[draft.pk])).content.decode()
    assert MASKED in detail and NUMBER not in detail and 'data-testid="reveal"' in detail
    page = login("unit_head").post(reverse("personal-data-reveal", args=[draft.pk]))
    assert page.status_code == 200 and NUMBER in page.content.decode()
    body = api("unit_head").post(f"/api/nominations/{draft.pk}/personal-data/").json()
    assert body == {"identity_number": NUMBER, "holds": []}  # the number only: hold notes are not theirs
    assert [e.data["fields"] for e in reveals()] == [["identity_number"], ["identity_number"]]
    assert api("commune_staff").post(f"/api/nominations/{draft.pk}/personal-data/").status_code == 404
    actions.submit_nomination(actor=users["unit_head"], nomination=draft)
    assert api("unit_head").post(f"/api/nominations/{draft.pk}/personal-data/").status_code == 403
    assert len(reveals()) == 2


def test_the_duplicate_flag_shows_the_shared_number_masked(login, users, draft_factory):
    """G3 compares the numbers in the database; the level above both sees that they match, masked."""
    ours = draft_factory(identity_number=NUMBER)
    theirs = draft_factory(proposer="tdp_head", unit="LC-SAPA-TDP1", identity_number=NUMBER)
    actions.submit_nomination(actor=users["unit_head"], nomination=ours)
    actions.submit_nomination(actor=users["tdp_head"], nomination=theirs)
    inbox = login("commune_staff").get(reverse("home")).content.decode()
    assert 'data-testid="duplicates"' in inbox and MASKED in inbox and NUMBER not in inbox


def test_lists_cost_the_same_statements_whatever_their_length_and_write_nothing(api, draft_factory):
    client = api("inspector")

    def listing() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/nominations/")
        assert response.status_code == 200 and "0010990" not in response.content.decode()
        assert response.json()["count"] >= 2
        return len(queries)

    draft_factory(identity_number="001099000001")
    draft_factory(name="Lê Thị B", identity_number="001099000002")
    few = listing()
    for i in range(5):
        draft_factory(name=f"Người {i}", identity_number=f"00109900010{i}")
    assert listing() == few
    assert reveals() == []


def test_the_admin_never_shows_the_number_or_the_notes_and_logs_no_number(login, held):
    client = login("admin")
    listing = client.get(reverse("admin:nominations_nominee_changelist")).content.decode()
    assert MASKED in listing and NUMBER not in listing
    nominee = Nominee.objects.get(pk=held.nominee_id)
    change = client.get(reverse("admin:nominations_nominee_change", args=[nominee.pk])).content.decode()
    assert NUMBER not in change
    hold = nominee.holds.order_by("-pk").first()
    assert NOTE not in client.get(reverse("admin:nominations_hold_change", args=[hold.pk])).content.decode()
    assert post_change_form(client, nominee, name="Đinh Văn Kỷ (sửa)").status_code == 302
    nominee.refresh_from_db()
    assert nominee.identity_number == NUMBER  # an empty box keeps the number
    assert post_change_form(client, nominee, identity_number="001099099999").status_code == 302
    nominee.refresh_from_db()
    assert nominee.identity_number == "001099099999"
    event = Event.objects.filter(action="admin.change", object_type="nominations.nominee").last()
    assert event.data.get("redacted") == ["identity_number"] and "001099099999" not in str(event.data)


def test_each_export_of_the_log_is_recorded_as_a_read_of_what_it_carries(login, api, users, held):
    """The export carries hold notes whole (the chain is verified over them): one audit.export event per export."""
    page = login("inspector").get(reverse("audit-export"), {"since": "2000-01-01"})
    assert NOTE in b"".join(page.streaming_content).decode()
    answer = api("inspector").get("/api/audit/export/", {"unit": "LC-SAPA"})
    assert NOTE in b"".join(answer.streaming_content).decode()
    exports = list(Event.objects.filter(action="audit.export").order_by("seq"))
    assert [(e.actor, e.org_unit, e.data["root"]) for e in exports] == [
        (users["inspector"], "LAOCAI", "/CP/LAOCAI/"), (users["inspector"], "LC-SAPA", "/CP/LAOCAI/LC-SAPA/")]
    assert exports[0].data["since"] == "2000-01-01"
    assert api("inspector").get("/api/audit/export/", {"unit": "HANOI"}).status_code == 404
    assert Event.objects.filter(action="audit.export").count() == 2  # a refused export records nothing


def test_in_the_browser_the_number_is_masked_until_the_inspector_reveals_it(browser, live_server, users, held):  # noqa: F811
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Tên đăng nhập").fill("inspector")
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_label("Mật khẩu").press("Enter")
        expect(page.get_by_test_id("current-user")).to_be_visible()
        page.goto(f"{live_server.url}{reverse('nomination-detail', args=[held.pk])}")
        expect(page.get_by_test_id("identity-number")).to_have_text(MASKED)
        expect(page.get_by_test_id("holds")).not_to_contain_text(NOTE)
        assert reveals() == []
        page.get_by_test_id("reveal").click()
        expect(page.get_by_test_id("identity-number")).to_have_text(NUMBER)
        expect(page.get_by_test_id("revealed-holds")).to_contain_text(NOTE)
        expect(page.get_by_test_id("revealed-holds")).to_contain_text(CLEAR_NOTE)
        assert [e.actor for e in reveals()] == [users["inspector"]]
    finally:
        context.close()
