"""Issue 24, item 7: search ignores accents and case on both databases; unit filters take names (with completion),
the audit filter a person's name; all scoped, in a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nominations.models import Nomination
from nominations.search import fold, nomination_text
from workflows import actions

pytestmark = pytest.mark.django_db


def names(client, **params) -> list[str]:
    response = client.get(reverse("nomination-list"), params)
    assert response.status_code == 200
    return sorted(n.nominee.name for n in response.context["page"])


@pytest.fixture
def hang(draft_factory):
    draft_factory(name="Nguyễn Thị Thu Hằng")
    draft_factory(name="Trần Văn Thanh")
    draft_factory(name="Đặng Đức Hạnh")


def test_fold_removes_vietnamese_accents_and_case():
    assert fold("Nguyễn Thị Thu HẰNG") == "nguyen thi thu hang"
    assert fold("ĐẶNG  đức\tHạnh") == "dang duc hanh"
    assert nomination_text("Lê Ánh", "Thành tích") == " le anh thanh tich"


@pytest.mark.parametrize("typed", ["Hang", "hằng", "NGUYỄN", "nguyen", "thu hang", "Hằng Nguyễn", "THỊ THU"])
def test_the_nominee_is_found_whatever_accents_and_case(login, hang, typed):
    assert names(login("unit_head"), q=typed) == ["Nguyễn Thị Thu Hằng"]


def test_a_word_is_matched_at_its_start_so_hanh_does_not_find_thanh(login, hang):
    client = login("unit_head")
    assert names(client, q="hanh") == ["Đặng Đức Hạnh"]
    assert names(client, q="dang duc") == ["Đặng Đức Hạnh"]
    assert names(client, q="tran thanh") == ["Trần Văn Thanh"]
    assert names(client, q="Tiêu biểu") == sorted(["Nguyễn Thị Thu Hằng", "Trần Văn Thanh", "Đặng Đức Hạnh"])
    assert names(client, q="Lê Văn Không") == []


def test_an_edited_achievement_is_searched_afresh(login, draft_factory, users):
    n = draft_factory(name="Phạm Thị Mới")
    actions.update_nomination(actor=users["unit_head"], nomination=n, achievement="Sáng kiến thư viện số.")
    assert Nomination.objects.get(pk=n.pk).search_text == " pham thi moi sang kien thu vien so."
    assert names(login("unit_head"), q="THU VIEN") == ["Phạm Thị Mới"]


def test_search_is_scoped(login, hang, draft_factory):
    draft_factory(proposer="hanoi_unit_head", unit="HN-HK-THPT", name="Bùi Thị Hằng")
    assert names(login("unit_head"), q="hang") == ["Nguyễn Thị Thu Hằng"]
    assert names(login("hanoi_unit_head"), q="hang") == ["Bùi Thị Hằng"]


def test_the_search_page_takes_the_same_queries_for_2_and_for_22_hits(login, draft_factory):
    client = login("unit_head")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("nomination-list"), {"q": "hang", "unit": "phuong sa pa"})
        assert response.status_code == 200
        return len(captured), response.context["page"].paginator.count

    for i in range(2):
        draft_factory(name=f"Lê Thị Hằng {i}")
    few, count = queries()
    assert count == 2
    for i in range(20):
        draft_factory(name=f"Vũ Thu Hằng {i}")
    many, count = queries()
    assert count == 22 and many == few


def test_the_unit_filter_takes_a_name_whatever_accents_and_case(login, hang, draft_factory):
    draft_factory(proposer="tdp_head", unit="LC-SAPA-TDP1", name="Lý Thị Tổ")
    client = login("unit_head")  # drafts are their proposers' own to read
    assert names(client, unit="Trường THCS Sa Pa") == sorted(["Nguyễn Thị Thu Hằng", "Trần Văn Thanh", "Đặng Đức Hạnh"])
    assert names(client, unit="truong thcs sa pa") == names(client, unit="Trường THCS Sa Pa")
    assert names(client, unit="PHƯỜNG SA PA") == names(client, unit="Trường THCS Sa Pa")
    assert names(client, unit="LC-SAPA-THCS") == names(client, unit="Trường THCS Sa Pa")  # a code still works
    assert names(client, unit="Tổ dân phố 1") == []  # the other unit's draft is not the unit head's to read
    assert names(client, unit="Không có đơn vị này") == []
    assert names(login("tdp_head"), unit="to dan pho") == ["Lý Thị Tổ"]


def test_unit_completion_is_scoped_and_accent_insensitive(login):
    client = login("commune_staff")
    response = client.get(reverse("unit-suggest"), {"q": "sa pa"})
    assert response.status_code == 200
    found = [u["name"] for u in response.json()["results"]]
    assert found == ["Phường Sa Pa", "Trường THCS Sa Pa"]  # not "Thị xã Sa Pa": neither above nor below them
    assert [u["name"] for u in client.get(reverse("unit-suggest"), {"q": "truong thcs"}).json()["results"]] == \
        ["Trường THCS Sa Pa"]
    # Hà Nội's units are not in the commune's reach; its own province and the country above it are
    hanoi = [u["name"] for u in client.get(reverse("unit-suggest"), {"q": "Hoàn Kiếm"}).json()["results"]]
    assert hanoi == []
    assert [u["name"] for u in client.get(reverse("unit-suggest"), {"q": "lao cai"}).json()["results"]] == ["Tỉnh Lào Cai"]
    assert client.get(reverse("unit-suggest"), {"q": ""}).json() == {"results": []}
    client.logout()
    assert client.get(reverse("unit-suggest"), {"q": "sa pa"}).status_code == 302


def test_the_search_box_is_on_the_page_outside_the_filters_panel(login):
    page = login("unit_head").get(reverse("nomination-list")).content.decode()
    search, panel = page.index('name="q"'), page.index("<details")
    assert search < panel and 'type="search"' in page
    assert 'list="unit-options"' in page and "Mã đơn vị" not in page


def test_the_audit_filter_takes_a_person_s_name(login, draft_factory, users):
    n = draft_factory(name="Hồ Văn Kiểm")
    actions.submit_nomination(actor=users["unit_head"], nomination=n)
    client = login("inspector")

    def actors(**params):
        response = client.get(reverse("audit-events"), params)
        assert response.status_code == 200
        return {event.actor_name for event in response.context["events"]}

    assert actors(actor="nguyen van hung") == {"unit_head"}  # Nguyễn Văn Hùng
    assert actors(actor="NGUYỄN VĂN HÙNG") == {"unit_head"}
    assert actors(actor="unit_head") == {"unit_head"}  # a username still works
    assert actors(actor="Không Ai Cả") == set()
    assert actors(unit="truong thcs sa pa") >= {"unit_head"}
    assert actors(unit="Phường Hoàn Kiếm") == set()  # outside the inspector's subtree


def test_the_api_searches_the_same_way(api, hang):
    client = api("unit_head")
    rows = client.get("/api/nominations/", {"q": "HANG"}).json()["results"]
    assert [row["nominee"]["name"] if isinstance(row["nominee"], dict) else row["nominee"] for row in rows] == \
        ["Nguyễn Thị Thu Hằng"]
    assert client.get("/api/nominations/", {"unit": "truong thcs sa pa"}).json()["count"] == 3
