"""Finding 1 and 2 of the outside examination (issue 22): a nominee record was shared by the whole country, so an
identity number typed in one province read, rewrote and blocked what another province recorded; and two
submissions for one achievement raced past G3. What a nomination says about its nominee is now its own, a unit's
record of a person is the unit's, and G3 sees the citizen across the country without telling anyone outside."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from audit.models import Event
from nominations.models import DuplicateFlag, Nomination, Nominee, Status
from roles.models import Role
from roles.services import grant_role
from workflows import actions, demo
from workflows.catalog import load_reference_data
from workflows.selectors import open_stage

NUMBER = "001099012345"
LAOCAI_NAME = "Lò Văn Sử"
LAOCAI_DETAILS = "Giáo viên Trường THCS Sa Pa, dạy lớp xóa mù chữ buổi tối"


@pytest.fixture
def hanoi_reviewers(users, org_tree):
    """An appraiser and a decider at Phường Hoàn Kiếm (the demo has none at that commune)."""
    people = {}
    for username, role in (("hk_staff", Role.APPRAISER), ("hk_chair", Role.DECIDER)):
        people[username] = get_user_model().objects.create(username=username)
        grant_role(actor=users["admin"], user=people[username], org_unit=org_tree["HN-HOANKIEM"], role=role)
    users.update(people)
    return people


def laocai_draft(draft_factory, award="GK_XA"):
    return draft_factory(award=award, name=LAOCAI_NAME, identity_number=NUMBER, details=LAOCAI_DETAILS)


def hanoi_draft(draft_factory, name="Nguyễn Văn Giả", award="GK_XA"):
    return draft_factory(proposer="hanoi_unit_head", unit="HN-HK-THPT", award=award, name=name,
                         identity_number=NUMBER, details="Bịa đặt")


def award_at_commune(users, nomination, staff="commune_staff", chair="commune_chair"):
    demo.approve_in_turn(users, nomination, staff, chair)
    nomination.refresh_from_db()
    return nomination


@pytest.fixture
def laocai_awarded(draft_factory, users):
    n = laocai_draft(draft_factory)
    actions.submit_nomination(actor=users["unit_head"], nomination=n)
    award_at_commune(users, n)
    assert n.status == Status.AWARDED
    return n


def test_a_number_typed_in_hanoi_shows_nothing_laocai_recorded(client, users, laocai_awarded):
    client.force_login(users["hanoi_unit_head"])
    response = client.post("/nominations/new/", {
        "round": "1315-2026", "award": "GK_XA", "submitting_unit": "HN-HK-THPT", "nominee_kind": "individual",
        "nominee_name": "Nguyễn Văn Giả", "identity_number": NUMBER, "nominee_details": "", "achievement": "Bịa.",
        "path": "movement",
    }, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert LAOCAI_NAME not in page and LAOCAI_DETAILS not in page and "Nguyễn Văn Giả" in page
    hanoi = Nomination.objects.exclude(pk=laocai_awarded.pk).get()
    assert hanoi.nominee_id != laocai_awarded.nominee_id and hanoi.nominee.unit.code == "HN-HK-THPT"
    assert Nominee.objects.get(pk=laocai_awarded.nominee_id).name == LAOCAI_NAME


def test_the_api_create_does_not_tell_that_a_number_is_recorded_elsewhere(api, laocai_awarded):
    response = api("hanoi_unit_head").post("/api/nominations/", {
        "round": "1315-2026", "award": "GK_XA", "submitting_unit": "HN-HK-THPT", "achievement": "Bịa.",
        "nominee": {"kind": "individual", "name": "Nguyễn Văn Giả", "identity_number": NUMBER},
    }, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["nominee"]["name"] == "Nguyễn Văn Giả" and response.json()["nominee"]["details"] == ""


def test_editing_a_hanoi_draft_leaves_laocais_awarded_nomination_as_it_was_and_is_audited(
        api, draft_factory, laocai_awarded):
    hanoi = hanoi_draft(draft_factory)
    response = api("hanoi_unit_head").patch(f"/api/nominations/{hanoi.pk}/", {"nominee_details": "Đã sửa"},
                                            format="json")
    assert response.status_code == 200 and response.json()["nominee"]["details"] == "Đã sửa"
    shown = api("unit_head").get(f"/api/nominations/{laocai_awarded.pk}/").json()["nominee"]
    assert shown == {"kind": "individual", "name": LAOCAI_NAME, "identity_number": "*********345",  # masked
                     "details": LAOCAI_DETAILS}
    event = Event.objects.filter(action="nomination.update", object_id=str(hanoi.pk)).last()
    assert event.data["changes"] == {"nominee_details": ["Bịa đặt", "Đã sửa"]}


def test_within_one_unit_a_draft_edit_leaves_the_awarded_nominations_details(api, draft_factory, laocai_awarded):
    again = draft_factory(award="BK_TINH", round="1315-SK-2025", name=LAOCAI_NAME, identity_number=NUMBER,
                          details=LAOCAI_DETAILS)
    assert again.nominee_id == laocai_awarded.nominee_id  # the unit's one record of the person
    api("unit_head").patch(f"/api/nominations/{again.pk}/", {"nominee_details": "Khác"}, format="json")
    assert Nomination.objects.get(pk=laocai_awarded.pk).nominee_details == LAOCAI_DETAILS


def test_one_unit_cannot_record_one_number_under_two_names(api, laocai_awarded):
    response = api("unit_head").post("/api/nominations/", {
        "round": "1315-SK-2025", "award": "BK_TINH", "submitting_unit": "LC-SAPA-THCS", "achievement": "x",
        "nominee": {"kind": "individual", "name": "Tên Khác", "identity_number": NUMBER},
    }, format="json")
    assert response.status_code == 400 and LAOCAI_NAME in response.json()["detail"]


def test_holds_placed_in_laocai_are_not_read_through_a_hanoi_draft(api, users, draft_factory, laocai_awarded):
    note = "Đang xác minh đơn tố cáo số 12"
    actions.place_hold(actor=users["inspector"], nominee=laocai_awarded.nominee, reason="complaint", note=note,
                       upload=SimpleUploadedFile("don.pdf", demo.PDF))
    hanoi = hanoi_draft(draft_factory)
    response = api("hanoi_unit_head").get(f"/api/nominations/{hanoi.pk}/holds/")
    assert response.status_code == 200 and response.json() == []
    # Lào Cai's own proposer sees that the hold is there, its note masked (docs/personal-data.md).
    assert [h["note"] for h in api("unit_head").get(f"/api/nominations/{laocai_awarded.pk}/holds/").json()] == ["***"]


def test_an_award_outside_the_proposers_scope_refuses_without_naming_it(users, draft_factory, laocai_awarded):
    hanoi = hanoi_draft(draft_factory)
    with pytest.raises(ValidationError) as refused:
        actions.submit_nomination(actor=users["hanoi_unit_head"], nomination=hanoi)
    message = " ".join(refused.value.messages)
    assert "khen thưởng" in message
    for secret in (LAOCAI_NAME, "LC-", "Sa Pa", "Lào Cai", f"#{laocai_awarded.pk}", laocai_awarded.award.code):
        assert secret not in message


def test_a_duplicate_across_provinces_goes_to_the_level_above_both_not_to_who_submitted_first(
        api, client, users, draft_factory, hanoi_reviewers):
    hanoi, laocai = hanoi_draft(draft_factory), laocai_draft(draft_factory)
    actions.submit_nomination(actor=users["hanoi_unit_head"], nomination=hanoi)
    actions.submit_nomination(actor=users["unit_head"], nomination=laocai)  # not refused: hanoi came first
    flag = DuplicateFlag.objects.get()
    assert (flag.first_id, flag.second_id, flag.unit.code) == (hanoi.pk, laocai.pk, "CP")
    # Neither side's timeline names the other: the flag's events are the flag's, at the government's unit.
    for who, n, other in (("unit_head", laocai, hanoi), ("hanoi_unit_head", hanoi, laocai)):
        timeline = api(who).get(f"/api/nominations/{n.pk}/events/").content.decode()
        assert f'"{other.pk}"' not in timeline and "duplicate" not in timeline
    assert Event.objects.get(action="duplicate.flag").org_unit == "CP"

    # While the pair waits, neither can be awarded, and the refusal names nothing outside the decider's scope.
    demo.approve_in_turn(users, laocai, "commune_staff")
    with pytest.raises(ValidationError) as refused:
        demo.approve_in_turn(users, laocai, "commune_chair")
    assert "Hà Nội" not in str(refused.value) and f"#{hanoi.pk}" not in str(refused.value)

    # The flag waits in the inbox of the level above both (the Prime Minister's office), and no one else's.
    assert [f["id"] for f in api("pm").get("/api/duplicates/").json()["results"]] == [flag.pk]
    for other in ("commune_chair", "hanoi_chair", "province_chair", "inspector"):
        assert api(other).get("/api/duplicates/").json()["results"] == []
        assert api(other).post(f"/api/duplicates/{flag.pk}/resolve/", {"keep": laocai.pk, "note": "x"},
                               format="json").status_code == 404
    client.force_login(users["pm"])
    page = client.get("/").content.decode()
    assert "Hồ sơ trùng thành tích cần đối chiếu" in page and f"#{hanoi.pk}" in page and f"#{laocai.pk}" in page
    response = client.post(f"/duplicates/{flag.pk}/resolve/", {f"flag-{flag.pk}-keep": laocai.pk,
                                                               f"flag-{flag.pk}-note": ""})
    assert response.status_code == 400 and DuplicateFlag.objects.get().resolved_at is None
    assert api("pm").post(f"/api/duplicates/{flag.pk}/resolve/", {"keep": 999999, "note": "x"},
                          format="json").status_code == 400
    response = api("pm").post(f"/api/duplicates/{flag.pk}/resolve/",
                              {"keep": laocai.pk, "note": "Xác minh: người được đề nghị công tác tại Sa Pa."},
                              format="json")
    assert response.status_code == 200 and response.json()["kept"] == laocai.pk
    assert api("pm").post(f"/api/duplicates/{flag.pk}/resolve/", {"keep": hanoi.pk, "note": "x"},
                          format="json").status_code == 404  # settled: no longer waiting

    demo.approve_in_turn(users, laocai, "commune_chair")
    assert Nomination.objects.get(pk=laocai.pk).status == Status.AWARDED
    demo.approve_in_turn(users, hanoi, "hk_staff")
    with pytest.raises(ValidationError):
        demo.approve_in_turn(users, hanoi, "hk_chair")
    assert Nomination.objects.get(pk=hanoi.pk).status == Status.IN_REVIEW


def test_the_final_approval_checks_g3_again(users, draft_factory):
    """A rival awarded after this nomination was submitted (an import, or the race of finding 2) still stops it."""
    n = laocai_draft(draft_factory)
    actions.submit_nomination(actor=users["unit_head"], nomination=n)
    demo.approve_in_turn(users, n, "commune_staff")
    rival = draft_factory(award="GK_XA", name=LAOCAI_NAME, identity_number=NUMBER)
    Nomination.objects.filter(pk=rival.pk).update(status=Status.AWARDED)
    with pytest.raises(ValidationError, match="không khen thưởng nhiều lần"):
        demo.approve_in_turn(users, n, "commune_chair")
    assert Nomination.objects.get(pk=n.pk).status == Status.IN_REVIEW


def race(calls) -> list[str]:
    """Run each (function, kwargs) in its own thread, all released at once; "ok", "refused" or the error."""
    barrier, outcomes = threading.Barrier(len(calls)), []

    def run(fn, kwargs):
        try:
            barrier.wait()
            fn(**kwargs)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        except Exception as exc:  # noqa: BLE001 - any other error fails the test
            outcomes.append(f"error: {exc!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=call) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return sorted(outcomes)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_award_and_a_rival_submission_at_the_same_moment_never_both_pass():
    """G3 at the final decision refuses on any live rival, so it needs no lock of its own (rules.check_award_unique)."""
    load_reference_data()
    units = demo.build_units()
    users = demo.build_people("pw", units)
    for attempt in range(5):
        number = f"0020990000{attempt:02d}"
        first, second = (demo.prepare_draft(users, units, "unit_head", "LC-SAPA-THCS", award, "1315-2026",
                                            "individual", f"Người {attempt}", "x", identity_number=number)
                         for award in ("GK_XA", "BK_TINH"))
        actions.submit_nomination(actor=users["unit_head"], nomination=first)
        demo.approve_in_turn(users, first, "commune_staff")
        stage = open_stage(first).pk
        outcomes = race([
            (actions.approve_nomination, {"actor": users["commune_chair"], "nomination": first.pk, "stage": stage}),
            (actions.submit_nomination, {"actor": users["unit_head"], "nomination": second.pk}),
        ])
        assert outcomes == ["ok", "refused"], (attempt, outcomes)
        live = Nomination.objects.filter(pk__in=[first.pk, second.pk], status__in=(Status.IN_REVIEW, Status.AWARDED))
        assert live.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_submissions_for_one_achievement_at_the_same_moment_give_one():
    """Finding 2: GK_XA and BK_TINH drafts for one person, submitted at once by two threads, five times."""
    load_reference_data()
    units = demo.build_units()
    users = demo.build_people("pw", units)
    second = get_user_model().objects.create(username="deputy_head")
    grant_role(actor=users["admin"], user=second, org_unit=units["LC-SAPA-THCS"], role=Role.PROPOSER)
    users["deputy_head"] = second
    for attempt in range(5):
        number = f"0010990000{attempt:02d}"
        drafts = [demo.prepare_draft(users, units, proposer, "LC-SAPA-THCS", award, "1315-2026", "individual",
                                     f"Người {attempt}", "x", identity_number=number)
                  for proposer, award in (("unit_head", "GK_XA"), ("deputy_head", "BK_TINH"))]
        outcomes = race([(actions.submit_nomination, {"actor": users[proposer], "nomination": n.pk})
                         for proposer, n in zip(("unit_head", "deputy_head"), drafts, strict=True)])
        assert outcomes == ["ok", "refused"], (attempt, outcomes)
        assert Nomination.objects.filter(pk__in=[d.pk for d in drafts], status=Status.IN_REVIEW).count() == 1
