"""G6 paths to a Bằng khen of the Prime Minister and the thematic rule G5 (DOMAIN.md §9 scenarios 6 and 7)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from nominations.models import BkTtgPath, Movement, Round, Status
from workflows import actions, demo

D = datetime.date


@pytest.fixture
def non_thematic_round(reference_data):
    movement = Movement.objects.create(code="TDTX", name="Thi đua thường xuyên", decision="", thematic=False,
                                       period_start=D(2026, 1, 1), period_end=D(2026, 12, 31))
    return Round.objects.create(movement=movement, code="TDTX-2026", name="Thường xuyên 2026", kind=Round.Kind.ANNUAL,
                                period_start=D(2026, 1, 1), period_end=D(2026, 12, 31), opens_on=D(2026, 1, 1),
                                closes_on=D(2027, 1, 31))


def award_bk_tinh(draft_factory, users, name, round_code):
    n = draft_factory(award="BK_TINH", round=round_code, name=name)
    actions.submit_nomination(actor=users["unit_head"], nomination=n)
    demo.approve_in_turn(users, n, "commune_staff", "commune_chair", "province_staff", "province_chair")
    n.refresh_from_db()
    assert n.status == Status.AWARDED
    return n


def bk_ttg(draft_factory, users, name, path, round_code="1315-2026"):
    n = draft_factory(award="BK_TTG", round=round_code, name=name)
    return actions.update_nomination(actor=users["unit_head"], nomination=n, path=path)


def test_the_movement_path_is_the_default_and_open_only_at_so_ket_and_tong_ket(draft_factory, users):
    annual = draft_factory(award="BK_TTG", round="1315-2026", name="Trần Văn Năm")
    assert annual.path == BkTtgPath.MOVEMENT
    with pytest.raises(ValidationError, match="sơ kết hoặc tổng kết"):
        actions.submit_nomination(actor=users["unit_head"], nomination=annual)
    so_ket = draft_factory(award="BK_TTG", round="1315-SK-2025", name="Trần Văn Sáu")
    assert actions.submit_nomination(actor=users["unit_head"], nomination=so_ket).status == Status.IN_REVIEW


def test_a_thematic_bang_khen_is_no_prerequisite_of_the_merit_path(draft_factory, users):
    """Scenario 7: P's only Bằng khen is a 1315 BK_TINH → path (b) fails G5 and the message suggests path (a)."""
    award_bk_tinh(draft_factory, users, "Người P", "1315-SK-2025")
    n = bk_ttg(draft_factory, users, "Người P", BkTtgPath.MERIT)
    with pytest.raises(ValidationError) as refused:
        actions.submit_nomination(actor=users["unit_head"], nomination=n)
    message = " ".join(refused.value.messages)
    assert "theo chuyên đề" in message and "1315/QĐ-TTg" in message
    assert "diện tiêu biểu trong phong trào" in message
    n.refresh_from_db()
    assert n.status == Status.DRAFT


def test_the_merit_path_without_any_bang_khen_says_which_condition_fails(draft_factory, users):
    n = bk_ttg(draft_factory, users, "Người Q", BkTtgPath.MERIT)
    with pytest.raises(ValidationError, match="chưa có Bằng khen cấp bộ, ngành, tỉnh"):
        actions.submit_nomination(actor=users["unit_head"], nomination=n)


def test_a_non_thematic_bang_khen_opens_the_merit_path(draft_factory, users, non_thematic_round):
    award_bk_tinh(draft_factory, users, "Người R", "TDTX-2026")
    n = bk_ttg(draft_factory, users, "Người R", BkTtgPath.MERIT)
    assert actions.submit_nomination(actor=users["unit_head"], nomination=n).status == Status.IN_REVIEW


def test_the_exceptional_path_requires_its_certification(draft_factory, users):
    n = bk_ttg(draft_factory, users, "Người S", BkTtgPath.EXCEPTIONAL)
    with pytest.raises(ValidationError, match="Văn bản xác nhận"):
        actions.submit_nomination(actor=users["unit_head"], nomination=n)
    actions.attach_document(actor=users["unit_head"], nomination=n, kind="xac_nhan",
                            upload=ContentFile(demo.PDF, name="xac-nhan.pdf"))
    assert actions.submit_nomination(actor=users["unit_head"], nomination=n).status == Status.IN_REVIEW


def test_an_unknown_path_is_refused(draft_factory, users):
    n = draft_factory(award="BK_TTG", round="1315-SK-2025", name="Người T")
    with pytest.raises(ValidationError):
        actions.update_nomination(actor=users["unit_head"], nomination=n, path="shortcut")


def test_a_bang_khen_at_the_so_ket_still_blocks_another_award_for_that_period(draft_factory, users):
    """Scenario 6, first half (G3): P holds BK_TINH for the sơ kết 2023–2025 → a GK_XA for the same period is refused."""
    award_bk_tinh(draft_factory, users, "Người U", "1315-SK-2025")
    n = draft_factory(award="GK_XA", round="1315-SK-2025", name="Người U")
    with pytest.raises(ValidationError, match="không khen thưởng nhiều lần"):
        actions.submit_nomination(actor=users["unit_head"], nomination=n)
