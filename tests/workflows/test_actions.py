import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.chain import verify_chain
from audit.models import Event
from nominations.models import Status
from workflows import actions, demo
from workflows.errors import Conflict, InvalidTransition
from workflows.models import Stage
from workflows.selectors import open_stage, visible_nominations

NOM = "nominations.nomination"


def events(n):
    return list(Event.objects.filter(object_type=NOM, object_id=str(n.pk)).values_list("action", flat=True))


def walk(users, n, *people):
    demo.approve_in_turn(users, n, *people)
    n.refresh_from_db()
    return n


def test_household_gk_xa_is_awarded_at_the_commune(draft_factory, users):
    n = draft_factory("tdp_head", "LC-SAPA-TDP1", "GK_XA", kind="household", name="Hộ A")
    actions.submit_nomination(actor=users["tdp_head"], nomination=n)
    n = walk(users, n, "commune_staff", "commune_chair")
    assert n.status == Status.AWARDED
    assert n.decision_number and n.decision_signer == users["commune_chair"]
    assert open_stage(n) is None
    assert not Stage.objects.filter(nomination=n, level__gt=20).exists()
    assert events(n)[-3:] == ["nomination.submit", "nomination.approve", "nomination.award"]
    assert verify_chain().ok


def test_bk_ttg_climbs_to_the_prime_minister(draft_factory, users):
    n = draft_factory(award="BK_TTG", round="1315-SK-2025")
    actions.submit_nomination(actor=users["unit_head"], nomination=n)
    n = walk(users, n, "commune_staff", "commune_chair", "province_staff", "province_chair")
    stage = open_stage(n)
    assert stage.org_unit.code == "BTDKTTW" and stage.step == "appraise"
    with pytest.raises(PermissionDenied):  # scenario 2: no government decision before the board appraises
        actions.approve_nomination(actor=users["pm"], nomination=n, stage=stage)
    n = walk(users, n, "central_staff", "pm")
    assert n.status == Status.AWARDED


def test_submit_needs_a_complete_dossier(draft_factory, users):
    n = draft_factory(documents=["to_trinh"])
    with pytest.raises(ValidationError) as exc:
        actions.submit_nomination(actor=users["unit_head"], nomination=n)
    assert "Hồ sơ còn thiếu" in str(exc.value)
    n.refresh_from_db()
    assert n.status == Status.DRAFT and not n.stages.exists()


def test_return_and_resubmit_across_two_levels(draft_factory, users):
    n = draft_factory(award="BK_TINH")
    actions.submit_nomination(actor=users["unit_head"], nomination=n)
    n = walk(users, n, "commune_staff", "commune_chair")
    actions.return_nomination(actor=users["province_staff"], nomination=n, stage=open_stage(n),
                              reason="Thiếu biên bản")
    n.refresh_from_db()
    stage = open_stage(n)
    assert n.status == Status.IN_REVIEW and (stage.org_unit.code, stage.step) == ("LC-SAPA", "decide")
    actions.return_nomination(actor=users["commune_chair"], nomination=n, stage=stage, reason="Bổ sung biên bản")
    n.refresh_from_db()
    assert n.status == Status.RETURNED and open_stage(n) is None
    actions.resubmit_nomination(actor=users["unit_head"], nomination=n)
    stage = open_stage(n)
    assert (stage.org_unit.code, stage.step) == ("LC-SAPA", "appraise")
    n = walk(users, n, "commune_staff", "commune_chair")
    stage = open_stage(n)
    assert (stage.org_unit.code, stage.step) == ("LAOCAI", "appraise")  # back at the level that returned it
    reasons = [e.data.get("reason") for e in Event.objects.filter(action="nomination.return", object_id=str(n.pk))]
    assert reasons == ["Thiếu biên bản", "Bổ sung biên bản"]
    n = walk(users, n, "province_staff", "province_chair")
    assert n.status == Status.AWARDED


def test_return_requires_a_reason(draft_factory, users):
    n = draft_factory()
    actions.submit_nomination(actor=users["unit_head"], nomination=n)
    with pytest.raises(ValidationError):
        actions.return_nomination(actor=users["commune_staff"], nomination=n, stage=open_stage(n), reason="  ")


def test_stale_stage_is_a_conflict(draft_factory, users):
    n = draft_factory()
    actions.submit_nomination(actor=users["unit_head"], nomination=n)
    stage = open_stage(n)
    actions.approve_nomination(actor=users["commune_staff"], nomination=n, stage=stage)
    before = Event.objects.count()
    with pytest.raises(Conflict):
        actions.approve_nomination(actor=users["commune_staff"], nomination=n, stage=stage)
    assert Event.objects.count() == before


def test_wrong_state_is_invalid_transition(draft_factory, users):
    n = draft_factory()
    with pytest.raises(InvalidTransition):
        actions.resubmit_nomination(actor=users["unit_head"], nomination=n)


def test_out_of_scope_reviewer_is_denied_and_nothing_changes(draft_factory, users):
    n = draft_factory()
    actions.submit_nomination(actor=users["unit_head"], nomination=n)
    before = (Event.objects.count(), Stage.objects.count())
    for intruder in ("bacha_staff", "hanoi_staff", "commune_chair", "inspector", "tdp_head"):
        with pytest.raises(PermissionDenied):
            actions.approve_nomination(actor=users[intruder], nomination=n, stage=open_stage(n))
    assert (Event.objects.count(), Stage.objects.count()) == before


def test_separation_of_duties(draft_factory, users, org_tree):
    from roles.services import grant_role

    # Scenario 10: the unit head is also a commune reviewer.
    grant_role(actor=users["admin"], user=users["unit_head"], org_unit=org_tree["LC-SAPA"], role="appraiser")
    n = draft_factory()
    actions.submit_nomination(actor=users["unit_head"], nomination=n)
    with pytest.raises(ValidationError):
        actions.approve_nomination(actor=users["unit_head"], nomination=n, stage=open_stage(n))
    # One person may not appraise and decide at the same level.
    grant_role(actor=users["admin"], user=users["commune_staff"], org_unit=org_tree["LC-SAPA"], role="decider")
    actions.approve_nomination(actor=users["commune_staff"], nomination=n, stage=open_stage(n))
    with pytest.raises(ValidationError):
        actions.approve_nomination(actor=users["commune_staff"], nomination=n, stage=open_stage(n))


def test_no_double_award_for_one_achievement(draft_factory, users):
    first = draft_factory(award="BK_TINH", round="1315-SK-2025", name="Người P")
    actions.submit_nomination(actor=users["unit_head"], nomination=first)
    second = draft_factory(award="GK_XA", round="1315-SK-2025", name="Người P")
    with pytest.raises(ValidationError):
        actions.submit_nomination(actor=users["unit_head"], nomination=second)
    other_period = draft_factory(award="GK_XA", round="1315-2026", name="Người P")
    actions.submit_nomination(actor=users["unit_head"], nomination=other_period)


def test_read_scope(draft_factory, users):
    n = draft_factory()
    actions.submit_nomination(actor=users["unit_head"], nomination=n)
    for reader in ("unit_head", "commune_staff", "inspector", "chief_inspector"):
        assert visible_nominations(users[reader]).filter(pk=n.pk).exists(), reader
    for outsider in ("hanoi_staff", "bacha_staff", "tdp_head", "province_staff"):
        assert not visible_nominations(users[outsider]).filter(pk=n.pk).exists(), outsider


def test_the_national_inspector_reads_the_whole_tree_and_nothing_outside_it(draft_factory, users):
    from nominations.models import Nomination
    from roles.models import Level, OrgUnit

    chief = users["chief_inspector"]
    inside = draft_factory(name="Trong Cây")
    # one tree under the government: the scope is every nomination, read without a filter
    assert "WHERE" not in str(visible_nominations(chief).query)
    assert visible_nominations(chief).filter(pk=inside.pk).exists()
    # a unit outside the tree: its nominations are out of scope again
    other = OrgUnit.objects.create(code="NGOAI", name="Đơn vị ngoài cây", level=Level.MINISTRY)
    outside = draft_factory(name="Ngoài Cây")
    Nomination.objects.filter(pk=outside.pk).update(submitting_unit=other)
    seen = set(visible_nominations(chief).values_list("pk", flat=True))
    assert inside.pk in seen and outside.pk not in seen


def test_only_the_lifecycle_assigns_status():
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    offenders = [
        str(p) for p in root.glob("*/**/*.py")
        if ".venv" not in p.parts and "tests" not in p.parts and p.name != "lifecycle.py"
        and re.search(r"\.status\s*=[^=]", p.read_text())
    ]
    assert offenders == []


def test_a_proposer_who_also_reviews_reads_both_scopes_once_each(draft_factory, users, org_tree):
    from roles.services import grant_role

    own = draft_factory(name="Của Đơn Vị")  # drafted at the unit, never submitted: no stage anywhere
    passing = draft_factory(name="Qua Xã")
    actions.submit_nomination(actor=users["unit_head"], nomination=passing)
    reader = users["commune_staff"]  # appraiser at the commune
    grant_role(actor=users["admin"], user=reader, org_unit=org_tree["LC-SAPA-THCS"], role="proposer")
    seen = list(visible_nominations(reader).values_list("pk", flat=True))
    assert own.pk in seen and passing.pk in seen
    assert len(seen) == len(set(seen))  # the UNION of the two branches has no duplicates


def test_every_readers_list_is_in_last_change_order(draft_factory, users, django_assert_num_queries):
    import datetime

    from django.utils import timezone

    from nominations.models import Nomination
    from workflows.selectors import IdsFirst, nomination_list

    made = [draft_factory(name=f"Người {i}") for i in range(4)]
    for n in made[:3]:
        actions.submit_nomination(actor=users["unit_head"], nomination=n)
    now = timezone.now()
    for age, n in enumerate(made):  # distinct times, not creation order: the oldest change is the newest row
        Nomination.objects.filter(pk=n.pk).update(updated_at=now - datetime.timedelta(minutes=10 * (4 - age)))
    for reader in ("unit_head", "commune_staff", "inspector", "chief_inspector"):
        listed = list(nomination_list(users[reader]).values_list("pk", flat=True))
        expected = list(nomination_list(users[reader]).order_by("-updated_at", "-pk").values_list("pk", flat=True))
        assert listed == expected and listed, reader
        assert listed.index(made[2].pk) < listed.index(made[0].pk), reader
        # a window read ids first (as the pages and the API read it) holds the same rows in the same order, each
        # with what a row shows: two queries (the ids, then the rows)
        rows = IdsFirst(nomination_list(users[reader]))  # reads the reader's roles (and an inspector's units)
        with django_assert_num_queries(2):
            window = rows[1:3]
            shown = [(n.pk, n.nominee.name, n.award.code, n.round.code, n.submitting_unit.code) for n in window]
        assert [pk for pk, *_ in shown] == listed[1:3], reader
        assert len(rows) == len(listed), reader


def test_a_counted_list_collects_its_scope_once_for_the_count_and_the_page(
        draft_factory, users, monkeypatch, django_assert_num_queries):
    from workflows import selectors
    from workflows.selectors import IdsFirst, count_capped, nomination_list

    made = [draft_factory(name=f"Đếm {i}") for i in range(5)]
    reader = users["unit_head"]
    listed = list(nomination_list(reader).values_list("pk", flat=True))
    assert set(listed) >= {n.pk for n in made}
    counted = count_capped(nomination_list(reader))
    rows = IdsFirst(nomination_list(reader))
    # the count reads the ids in list order (one query), and a page within them reads only its rows
    with django_assert_num_queries(1):
        assert count_capped(rows) == len(listed) == counted
    with django_assert_num_queries(1):
        assert [n.pk for n in rows[2:4]] == listed[2:4]
    # above the cap the count says "more than", and a page past the ids read reads its own ids first
    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    capped = IdsFirst(nomination_list(reader))
    assert len(capped) == 3 and capped.head == listed[:3]
    with django_assert_num_queries(2):
        assert [n.pk for n in capped[3:5]] == listed[3:5]
    assert [n.pk for n in capped[1:]] == listed[1:]  # an open window runs past the ids read: it reads its own


def test_an_inspector_reads_what_passes_through_the_subtree_and_a_single_read_agrees_with_the_list(
        draft_factory, users, org_tree):
    from workflows.models import Stage
    from workflows.selectors import nomination_list

    drafts = [draft_factory(name=f"Nháp {i}") for i in range(2)]  # never submitted: stage ids differ from theirs
    own = draft_factory(name="Trong Tỉnh")
    passing = draft_factory("hanoi_unit_head", "HN-HK-THPT", "BK_TINH", name="Qua Lào Cai")
    outside = draft_factory("hanoi_unit_head", "HN-HK-THPT", "BK_TINH", name="Ở Hà Nội")
    for n, proposer in ((own, "unit_head"), (passing, "hanoi_unit_head"), (outside, "hanoi_unit_head")):
        actions.submit_nomination(actor=users[proposer], nomination=n)
    # submitted in Hà Nội, its open step now at a commune of Lào Cai (a route through the inspector's subtree)
    Stage.objects.filter(nomination=passing).update(org_unit=org_tree["LC-SAPA"])

    listed = list(nomination_list(users["inspector"]).values_list("pk", flat=True))
    assert own.pk in listed and passing.pk in listed and outside.pk not in listed
    assert len(listed) == len(set(listed))
    # one nomination asked about alone is visible exactly when the whole list holds it, for every reader
    for name, user in users.items():
        seen = set(visible_nominations(user).values_list("pk", flat=True))
        for n in (*drafts, own, passing, outside):
            assert visible_nominations(user, only=n.pk).filter(pk=n.pk).exists() == (n.pk in seen), (name, n)
