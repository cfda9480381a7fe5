"""List endpoints read with a constant number of SQL queries, whatever the number of rows."""

import itertools

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from nominations.models import AwardRule, AwardType, Criterion, Movement
from nominations.rules import deciding_level_for
from roles.models import Level
from workflows import actions

SERIAL = itertools.count()


def count(client, path, **params) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    assert response.status_code == 200, response.content[:500]
    return len(queries), response.json()


def submitted(draft_factory, users, n):
    """n drafts and n submitted nominations of the unit head's school."""
    for _ in range(n):
        draft_factory(name=f"Người số {next(SERIAL)}", documents=["to_trinh"])
        nomination = draft_factory(name=f"Người số {next(SERIAL)}")
        actions.submit_nomination(actor=users["unit_head"], nomination=nomination)


def test_lists_at_2_and_at_20_nominations_take_the_same_queries(api, draft_factory, users):
    proposer, reviewer, inspector = api("unit_head"), api("commune_staff"), api("inspector")
    submitted(draft_factory, users, 2)
    few = {
        "nominations": count(proposer, "/api/nominations/")[0],
        "inbox": count(reviewer, "/api/inbox/")[0],
        "audit": count(inspector, "/api/audit/events/")[0],
    }
    submitted(draft_factory, users, 18)
    many = {}
    many["nominations"], nominations = count(proposer, "/api/nominations/")
    many["inbox"], inbox = count(reviewer, "/api/inbox/")
    many["audit"], audit = count(inspector, "/api/audit/events/")
    assert nominations["count"] == 40 and len(nominations["results"]) == 40
    assert inbox["count"] == 20 and all(s["days_left"] is not None for s in inbox["results"])
    assert len(audit["results"]) == 50 and audit["next"]
    assert many == few


def test_catalogs_take_the_same_queries_at_2_and_at_20_rows(api, reference_data):
    client = api("unit_head")
    movement = Movement.objects.first()
    few = {path: count(client, path)[0] for path in ("/api/movements/", "/api/org-units/", "/api/rounds/", "/api/awards/")}
    Criterion.objects.bulk_create(Criterion(movement=movement, group="individual", code=f"X{i}", text="Tiêu chí thêm.")
                                  for i in range(20))
    for i in range(20):
        AwardType.objects.create(code=f"HT{i}", name="Hình thức thêm", deciding_level=Level.PROVINCE)
        AwardRule.objects.create(award=AwardType.objects.get(code=f"HT{i}"), deciding_level=Level.COMMUNE)
    for i in range(2):
        Movement.objects.create(code=f"PT{i}", name="Phong trào", period_start=movement.period_start,
                                period_end=movement.period_end)
    many = {path: count(client, path)[0] for path in few}
    assert many == few
    movements = count(client, "/api/movements/")[1]["results"]
    assert len(movements) == Movement.objects.count()
    assert sum(len(m["criteria"]) for m in movements) == Criterion.objects.count()


def test_out_of_range_pages_are_clamped_not_errors(api):
    client = api("unit_head")
    huge = 2**64
    for path in ("/api/awards/", "/api/nominations/"):
        response = client.get(path, {"limit": huge, "offset": huge})
        assert response.status_code == 200 and response.json()["results"] == [], path
        response = client.get(path, {"limit": huge, "offset": -5})
        assert response.status_code == 200 and response.json()["previous"] is None, path


def test_awards_say_which_level_decides_them_today(api):
    awards = api("unit_head").get("/api/awards/").json()["results"]
    today = timezone.localdate()
    by_code = {a["code"]: a for a in awards}
    assert by_code["CSTD_CS"]["deciding_level"] == Level.COMMUNE and len(by_code["CSTD_CS"]["rules"]) == 2
    for award in awards:
        assert award["deciding_level"] == deciding_level_for(AwardType.objects.get(code=award["code"]), today)


def test_list_count_stops_above_the_cap_and_says_so(api, draft_factory, users, monkeypatch):
    from workflows import selectors

    proposer = api("unit_head")
    submitted(draft_factory, users, 3)  # six nominations
    exact = count(proposer, "/api/nominations/", limit=2)[1]
    assert exact["count"] == 6 and exact["count_is_capped"] is False
    monkeypatch.setattr(selectors, "COUNT_CAP", 4)
    capped = count(proposer, "/api/nominations/", limit=2)[1]
    assert capped["count"] == 5 and capped["count_is_capped"] is True
    assert len(capped["results"]) == 2 and "offset=2" in capped["next"]
