"""web.forms.Select renders in Python what Django's Select renders through its templates."""

from django import forms
from django.test.html import parse_html

from web.forms import AuditFilterForm, NominationFilterForm, Select

CHOICES = [("", "Tất cả"), ("a", "Bằng khen <Thủ tướng> & “Chiến sĩ”"), ("b\"'", "Giấy khen"), (3, "Cấp xã")]


def _both(value, attrs=None, choices=CHOICES):
    ours = Select(attrs=attrs, choices=choices).render("award", value, attrs={"id": "id_award"})
    django = forms.Select(attrs=attrs, choices=choices).render("award", value, attrs={"id": "id_award"})
    return ours, django


def test_same_html_as_django_for_every_selected_value():
    for value in ("", "a", "b\"'", 3, "3", None, "missing"):
        ours, django = _both(value)
        assert parse_html(ours) == parse_html(django), value


def test_escapes_labels_values_and_attributes():
    ours, django = _both("a", attrs={"aria-describedby": "x\" onload=\"y", "required": True, "disabled": False})
    assert parse_html(ours) == parse_html(django)
    assert "&lt;Thủ tướng&gt; &amp;" in ours
    assert 'onload="y' not in ours
    assert " required" in ours and "disabled" not in ours


def test_option_groups_fall_back_to_django():
    grouped = [("Cấp xã", [("a", "A"), ("b", "B")]), ("c", "C")]
    ours, django = _both("b", choices=grouped)
    assert ours == django
    assert "<optgroup" in ours


def test_filter_forms_use_it_with_their_selection(db):
    form = NominationFilterForm({"status": "in_review"})
    html = str(form["status"])
    assert form.fields["status"].widget.__class__ is Select
    assert parse_html(html) == parse_html(forms.Select(choices=form.fields["status"].choices).render(
        "status", "in_review", attrs={"id": "id_status"}))
    assert '<option value="in_review" selected>' in html
    assert isinstance(AuditFilterForm().fields["action"].widget, Select)
