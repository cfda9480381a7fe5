"""Loading the country (roles.country, `manage.py load_country`): the official list of vietnam-provinces, counted
against the package itself; idempotent; a dry run writes nothing; an administrator's rename is reported, not
overwritten; the demo's units are matched by official code, not duplicated."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from vietnam_provinces import Province, Ward

from audit.chain import verify_chain
from audit.models import Event
from roles.country import CENTRAL_FILE, REFORM_DAY, load_country
from roles.models import Kind, Level, OrgUnit
from roles.services import save_unit
from workflows import demo

pytestmark = pytest.mark.django_db

PROVINCES = list(Province.iter_all())
COMMUNES = list(Ward.iter_all())


def current(level):
    return OrgUnit.objects.filter(level=level, valid_to__isnull=True)


def test_the_package_holds_the_reformed_country():
    # the pinned data set is the one the issue names: 34 provinces, 3,321 communes, wards and special zones
    assert (len(PROVINCES), len(COMMUNES)) == (34, 3321)


def test_loading_an_empty_tree_gives_the_country_and_a_second_run_changes_nothing():
    # when the country is loaded into an empty database
    plan = load_country()

    # then every province and commune of the package is there once, with its official code, name, kind and parent
    assert current(Level.PROVINCE).count() == len(PROVINCES)
    assert current(Level.COMMUNE).count() == len(COMMUNES)
    units = {u.official_code: u for u in OrgUnit.objects.exclude(official_code="").select_related("parent")}
    for ward in COMMUNES:
        unit = units[f"{ward.code.value:05d}"]
        assert unit.name == ward.name and unit.parent.official_code == f"{ward.province_code.value:02d}"
        assert unit.valid_from == REFORM_DAY and unit.path == f"{unit.parent.path}{unit.code}/"
    laocai = units["15"]
    assert (laocai.name, laocai.kind, laocai.path) == ("Tỉnh Lào Cai", Kind.PROVINCE, "/CP/15/")
    assert units["01"].kind == Kind.CITY and units["01"].name == "Thành phố Hà Nội"
    assert OrgUnit.objects.get(parent=laocai, name="Xã Mù Cang Chải").kind == Kind.COMMUNE  # former Yên Bái's
    assert Counter(u.kind for u in current(Level.COMMUNE)) == Counter(
        {"xã": Kind.COMMUNE, "phường": Kind.WARD, "đặc khu": Kind.SPECIAL_ZONE}[w.division_type.value]
        for w in COMMUNES)
    # the ministries and ministerial-level agencies of the project's file, under the government
    assert current(Level.MINISTRY).count() == 17 == CENTRAL_FILE.read_text().count('"level": "MINISTRY"')
    assert set(OrgUnit.objects.filter(level=Level.MINISTRY).values_list("parent__code", flat=True)) == {"CP"}
    assert OrgUnit.objects.get(code="BTDKTTW").parent.code == "CP"
    # one audit event per unit added, chained
    added = 2 + 17 + len(PROVINCES) + len(COMMUNES)
    assert len(plan.added) == added == Event.objects.filter(action="orgunit.add").count() == Event.objects.count()
    assert verify_chain().ok

    # when it runs again, then nothing is written
    rows = list(OrgUnit.objects.values_list("pk", "code", "name", "path", "kind", "official_code", "parent_id"))
    again = load_country()
    assert (again.changes, again.matched, again.differences, again.conflicts) == (0, added, [], [])
    assert Event.objects.count() == added
    assert list(OrgUnit.objects.values_list("pk", "code", "name", "path", "kind", "official_code",
                                            "parent_id")) == rows


def test_a_dry_run_writes_nothing_and_says_what_it_would_add():
    out = io.StringIO()
    call_command("load_country", dry_run=True, stdout=out)

    assert OrgUnit.objects.count() == 0 and Event.objects.count() == 0
    text = out.getvalue()
    assert f"Sẽ thêm {len(PROVINCES)} đơn vị Cấp tỉnh" in text
    assert f"Sẽ thêm {len(COMMUNES):,} đơn vị Cấp xã" in text
    assert "15 Tỉnh Lào Cai: 99 xã, phường, đặc khu" in text
    assert "Chạy thử: chưa thay đổi gì" in text


def test_an_administrators_rename_is_reported_not_overwritten():
    load_country(provinces={"15"})
    sapa = OrgUnit.objects.get(official_code="03006")
    sapa.name = "Phường Sa Pa (du lịch)"
    save_unit(actor=None, unit=sapa)
    events = Event.objects.count()

    out = io.StringIO()
    call_command("load_country", province=["15"], stdout=out)

    sapa.refresh_from_db()
    assert sapa.name == "Phường Sa Pa (du lịch)" and Event.objects.count() == events
    assert "Khác danh mục (giữ nguyên): 03006 name: trong cây «Phường Sa Pa (du lịch)», danh mục «Phường Sa Pa»" \
        in out.getvalue()
    assert "không có gì thay đổi" in out.getvalue()


def test_the_demos_units_are_matched_by_official_code_not_duplicated(org_tree):
    events = Event.objects.count()

    plan = load_country(provinces={"15", "01"})

    assert plan.differences == [] and plan.conflicts == []
    laocai = OrgUnit.objects.get(official_code="15", valid_to__isnull=True)
    assert laocai.pk == org_tree["LAOCAI"].pk and laocai.code == "LAOCAI"
    assert OrgUnit.objects.filter(name="Phường Sa Pa").get().code == "LC-SAPA"
    assert OrgUnit.objects.filter(name="Phường Hoàn Kiếm").get().code == "HN-HOANKIEM"
    assert laocai.children.filter(level=Level.COMMUNE).count() == sum(1 for w in COMMUNES if w.province_code == 15)
    # the demo's units below communes and the ended ones stay as they were
    assert org_tree["YENBAI"].successor_id == laocai.pk
    assert OrgUnit.objects.get(code="LC-SAPA-THCS").path == "/CP/LAOCAI/LC-SAPA/LC-SAPA-THCS/"
    assert Event.objects.count() - events == len(plan.added) == OrgUnit.objects.count() - len(org_tree)


def test_a_blank_kind_is_filled_in_and_audited():
    cp = OrgUnit.objects.create(code="CP", name="Chính phủ", level=Level.GOVERNMENT)
    OrgUnit.objects.create(code="BYT", name="Bộ Y tế", level=Level.MINISTRY, parent=cp)

    plan = load_country(provinces=set())

    assert OrgUnit.objects.get(code="BYT").kind == Kind.MINISTRY
    [event] = Event.objects.filter(action="orgunit.change")
    assert event.data["fields"] == {"kind": ["", "bo"]} and plan.differences == []


def test_a_code_taken_by_another_unit_is_a_conflict_and_its_communes_wait():
    cp = OrgUnit.objects.create(code="CP", name="Chính phủ", level=Level.GOVERNMENT)
    OrgUnit.objects.create(code="15", name="Trường số 15", level=Level.UNIT, parent=cp)
    out = io.StringIO()

    call_command("load_country", province=["15"], stdout=out)

    assert not OrgUnit.objects.filter(level=Level.COMMUNE).exists()
    assert "Xung đột: mã 15 đã là của đơn vị 15 – Trường số 15" in out.getvalue()


def test_the_demo_built_after_the_country_sits_in_it(reference_data):
    load_country(provinces={"15", "01"})
    units = demo.build_units()

    assert units["LAOCAI"].code == "15" and OrgUnit.objects.filter(name="Tỉnh Lào Cai").count() == 1
    assert units["LC-SAPA"].code == "03006" and OrgUnit.objects.filter(name="Phường Sa Pa").count() == 1
    assert OrgUnit.objects.get(code="LC-SAPA-THCS").path == "/CP/15/03006/LC-SAPA-THCS/"
    assert units["YENBAI"].successor_id == units["LAOCAI"].pk
    assert load_country(provinces={"15", "01"}).changes == 0


def test_seed_demo_with_the_country_puts_the_demo_in_it_once(settings):
    settings.DEBUG = True
    call_command("seed_demo", country=True, stdout=io.StringIO())
    counts = (OrgUnit.objects.count(), Event.objects.count())
    call_command("seed_demo", country=True, stdout=io.StringIO())

    assert (OrgUnit.objects.count(), Event.objects.count()) == counts
    assert current(Level.PROVINCE).count() == len(PROVINCES) and current(Level.COMMUNE).count() == len(COMMUNES)
    assert OrgUnit.objects.get(official_code="15", valid_to__isnull=True).code == "LAOCAI"
    assert OrgUnit.objects.get(code="YENBAI").valid_to.isoformat() == "2025-06-30"
