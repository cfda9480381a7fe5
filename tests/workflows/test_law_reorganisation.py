"""Reorganisation of units: YENBAI merges into LAOCAI with nominations open at several levels (DOMAIN.md §3)."""

import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from audit.chain import verify_chain
from audit.models import Event
from nominations.models import Nomination, Status
from roles.models import Level, OrgUnit, Role, RoleAssignment
from roles.selectors import holds_role_at
from roles.services import grant_role
from workflows import actions, demo
from workflows.models import Stage
from workflows.reorganisation import reorganise_unit
from workflows.selectors import open_stage


@pytest.fixture
def yenbai(org_tree, users):
    """Yên Bái before the merge: a commune and a school, its people, and nominations in several places."""
    yb = org_tree["YENBAI"]
    yb.valid_to, yb.successor = None, None
    yb.save()
    commune = OrgUnit.objects.create(code="YB-VANYEN", name="Xã Văn Yên", level=Level.COMMUNE, parent=yb)
    school = OrgUnit.objects.create(code="YB-VANYEN-THCS", name="Trường THCS Văn Yên", level=Level.UNIT,
                                    parent=commune)
    units = {**org_tree, "YENBAI": yb, "YB-VANYEN": commune, "YB-VANYEN-THCS": school}
    people = dict(users)
    for name, role, code in [("yb_head", Role.PROPOSER, "YB-VANYEN-THCS"), ("yb_cstaff", Role.APPRAISER, "YB-VANYEN"),
                             ("yb_cchair", Role.DECIDER, "YB-VANYEN"), ("yb_pstaff", Role.APPRAISER, "YENBAI"),
                             ("yb_pchair", Role.DECIDER, "YENBAI"), ("yb_prop", Role.PROPOSER, "YENBAI")]:
        people[name] = type(users["admin"]).objects.create(username=name)
        grant_role(actor=users["admin"], user=people[name], org_unit=units[code], role=role)

    def nomination(award, name, *approvers, rnd="1315-2026", proposer="yb_head", unit="YB-VANYEN-THCS",
                   kind="individual", submit=True):
        n = demo.prepare_draft(people, units, proposer, unit, award, rnd, kind, name, "Thành tích tiêu biểu.")
        if submit:
            actions.submit_nomination(actor=people[proposer], nomination=n)
            demo.approve_in_turn(people, n, *approvers)
        n.refresh_from_db()
        return n

    noms = {
        "history": nomination("BK_TINH", "Người Lịch Sử", "yb_cstaff", "yb_cchair", "yb_pstaff", "yb_pchair"),
        "at_commune": nomination("GK_XA", "Người Ở Xã"),
        "at_province": nomination("BK_TINH", "Người Ở Tỉnh", "yb_cstaff", "yb_cchair"),
        "at_board": nomination("BK_TTG", "Người Ở Trung Ương", "yb_cstaff", "yb_cchair", "yb_pstaff", "yb_pchair",
                               rnd="1315-SK-2025"),
        "draft": nomination("GK_XA", "Người Chưa Trình", submit=False),
        "of_province": nomination("BK_TTG", "Tỉnh Yên Bái", rnd="1315-SK-2025", proposer="yb_prop", unit="YENBAI",
                                  kind="locality"),
    }
    assert noms["history"].status == Status.AWARDED
    return units, people, noms


def dry_run() -> dict:
    out = io.StringIO()
    call_command("reorganise_units", "YENBAI", "LAOCAI", "--dry-run", "--actor", "admin", stdout=out)
    return json.loads(out.getvalue().rsplit("}", 1)[0] + "}")


def test_a_dry_run_shows_what_would_move_and_moves_nothing(yenbai):
    units, people, noms = yenbai
    head = Event.objects.count()
    plan = dry_run()
    moved = {m["nomination"] for m in plan["nominations"]}
    assert moved == {n.pk for key, n in noms.items() if key != "history"}
    assert plan["children"] == ["YB-VANYEN"]
    assert {r["user"] for r in plan["roles"]} == {"yb_pstaff", "yb_pchair", "yb_prop"}
    at_province = next(m for m in plan["nominations"] if m["nomination"] == noms["at_province"].pk)
    assert at_province["open_stage"] == open_stage(noms["at_province"]).pk
    assert Event.objects.count() == head
    assert open_stage(noms["at_province"]).org_unit.code == "YENBAI"
    assert OrgUnit.objects.get(code="YENBAI").valid_to is None


def test_the_merge_moves_open_nominations_with_their_stages_and_keeps_history(yenbai):
    units, people, noms = yenbai
    closed_before = list(Stage.objects.filter(closed_at__isnull=False).values_list("pk", "org_unit__code"))

    plan = reorganise_unit(actor=people["admin"], unit="YENBAI", successor="LAOCAI")
    assert plan.applied and len(plan.nominations) == 5

    today = timezone.localdate()
    yb = OrgUnit.objects.get(code="YENBAI")
    assert yb.successor.code == "LAOCAI" and yb.valid_to < today
    assert OrgUnit.objects.get(code="YB-VANYEN-THCS").path == "/CP/LAOCAI/YB-VANYEN/YB-VANYEN-THCS/"
    # The history is untouched: closed stages keep their units, the award keeps its decision.
    assert list(Stage.objects.filter(pk__in=[pk for pk, _ in closed_before]).values_list("pk", "org_unit__code")) \
        == closed_before
    history = Nomination.objects.get(pk=noms["history"].pk)
    assert history.status == Status.AWARDED and "YENBAI" in {s["code"] for s in history.route}
    # Open nominations follow: the open stage at the province, the fixed routes, the province's own dossier.
    at_province = Nomination.objects.get(pk=noms["at_province"].pk)
    assert open_stage(at_province).org_unit.code == "LAOCAI"
    assert [s["code"] for s in at_province.route] == ["YB-VANYEN", "YB-VANYEN", "LAOCAI", "LAOCAI"]
    at_board = Nomination.objects.get(pk=noms["at_board"].pk)
    assert open_stage(at_board).org_unit.code == "BTDKTTW" and "YENBAI" not in {s["code"] for s in at_board.route}
    of_province = Nomination.objects.get(pk=noms["of_province"].pk)
    assert of_province.submitting_unit.code == "LAOCAI" and of_province.nominee.unit.code == "LAOCAI"
    transfers = Event.objects.filter(action="nomination.transfer")
    assert sorted(int(e.object_id) for e in transfers) == sorted(m.nomination for m in plan.nominations)
    # Roles at the old unit end, through the audited path.
    assert not RoleAssignment.objects.filter(org_unit=yb, revoked_at__isnull=True).exists()
    assert Event.objects.filter(action="role.revoke").count() == 3
    assert not holds_role_at(people["yb_pstaff"], Role.APPRAISER, yb)
    # The successor's people carry on where the dossier stood.
    demo.approve_in_turn(people, at_province, "province_staff", "province_chair")
    at_province.refresh_from_db()
    assert at_province.status == Status.AWARDED
    # The old award still counts for G3.
    units = {**units, "YB-VANYEN-THCS": OrgUnit.objects.get(code="YB-VANYEN-THCS")}  # its new path
    again = demo.prepare_draft(people, units, "yb_head", "YB-VANYEN-THCS", "GK_XA", "1315-2026", "individual",
                               "Người Lịch Sử", "Lần nữa.")
    with pytest.raises(ValidationError, match="không khen thưởng nhiều lần"):
        actions.submit_nomination(actor=people["yb_head"], nomination=again)
    assert verify_chain().ok
    # Nothing is left to move.
    assert dry_run()["nominations"] == []


def test_only_an_administrator_reorganises(yenbai):
    units, people, noms = yenbai
    with pytest.raises(PermissionDenied):
        reorganise_unit(actor=people["province_chair"], unit="YENBAI", successor="LAOCAI")


def test_the_successor_must_be_a_valid_unit_of_the_same_level(yenbai):
    units, people, noms = yenbai
    with pytest.raises(ValidationError):
        reorganise_unit(actor=people["admin"], unit="YENBAI", successor="LC-SAPA")
    with pytest.raises(ValidationError):
        reorganise_unit(actor=people["admin"], unit="YENBAI", successor="YENBAI")
