"""The action registry is the one list of actions: the lifecycle, the audit log, perform, the pages and the API all
read it, so an action added to it appears everywhere and an action missing from it appears nowhere."""

import ast
import inspect
import keyword
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from viewflow.fsm.base import TransitionDescriptor

from deadlines.models import StageAlert
from notifications import services as notification_services
from workflows import labels, registry
from workflows.actions import perform
from workflows.lifecycle import NominationLifecycle
from workflows.registry import ACTION_NAMES
from workflows.selectors import available_actions, open_stage

ROOT = Path(settings.BASE_DIR)
# The audit names built at run time, with the values they are built from.
DYNAMIC = {"nomination.{kind}": [f"nomination.{kind}" for kind in (StageAlert.REMINDER, StageAlert.ESCALATION)]}


def transitions() -> set[str]:
    return {name for name, value in vars(NominationLifecycle).items() if isinstance(value, TransitionDescriptor)}


def schema_action_names() -> tuple[list[str], list[str]]:
    """(the action path parameter's enum, the enum of a nomination's `available_actions`) in the OpenAPI document."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/nominations/{id}/actions/{action}/"]["post"]
    path_enum = next(p["schema"]["enum"] for p in operation["parameters"] if p["name"] == "action")
    ref = schema["components"]["schemas"]["Nomination"]["properties"]["available_actions"]["items"]["$ref"]
    return path_enum, schema["components"]["schemas"][ref.rsplit("/", 1)[1]]["enum"]


# --- the registry against the lifecycle and the audit log ------------------------------------------------------


def test_every_lifecycle_transition_has_one_entry_and_every_entry_s_transition_exists():
    named = [action.transition for action in registry.REGISTRY if action.transition]
    assert sorted(named) == sorted(transitions())
    for action in registry.REGISTRY:
        if action.transition:
            assert action.transition.isidentifier() and not keyword.iskeyword(action.transition)
            assert action.verb, action.name  # "Không thể %(action)s hồ sơ …"


def test_public_names_and_audit_events_are_each_listed_once():
    names = [action.name for action in registry.REGISTRY]
    events = [event for action in registry.REGISTRY for event, _label in action.events]
    assert len(names) == len(set(names)) and len(events) == len(set(events))
    assert "return" in ACTION_NAMES and not any(name.endswith("_") for name in names)
    assert [e for e, _ in registry.get("approve").events] == ["nomination.approve", "nomination.award"]


def _recorded_names(path: Path) -> set[str]:
    """The audit actions a module records: `record(action=…)`, and `_record(<suffix>, …)`, the review actions'
    helper that records `nomination.<suffix>` (its own `record` call is read through its callers). A suffix passed
    in as a parameter is followed to the calls of its function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    enclosing = {}
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef):
            for node in ast.walk(function):
                enclosing[node] = function  # the innermost one wins: ast.walk reaches inner functions later

    def values(node, function) -> list[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.IfExp):
            return values(node.body, function) + values(node.orelse, function)
        if isinstance(node, ast.JoinedStr):
            pattern = "".join(v.value if isinstance(v, ast.Constant) else "{" + ast.unparse(v.value) + "}"
                              for v in node.values)
            assert pattern in DYNAMIC, f"{path}: teach this test the values of {pattern!r}"
            return DYNAMIC[pattern]
        if isinstance(node, ast.Name) and function is not None:  # a parameter: the values its callers pass
            params = [a.arg for a in function.args.args]
            assert node.id in params, f"{path}: cannot follow {node.id!r} in {function.name}"
            index, found = params.index(node.id), []
            for call in ast.walk(tree):
                if isinstance(call, ast.Call) and getattr(call.func, "id", None) == function.name:
                    found += values(call.args[index], None)
            assert found, f"{path}: no call of {function.name} passes {node.id!r}"
            return found
        raise AssertionError(f"{path}:{node.lineno}: an audit action this test cannot read: {ast.unparse(node)}")

    names = set()
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        callee, function = getattr(call.func, "id", None), enclosing.get(call)
        if callee == "record" and getattr(function, "name", None) != "_record":
            action = next(k.value for k in call.keywords if k.arg == "action")
            names.update(values(action, function))
        elif callee == "_record" and call.args:
            names.update(f"nomination.{suffix}" for suffix in values(call.args[0], function))
    return names


def test_every_audit_action_the_engine_records_has_a_label_in_the_registry():
    recorded = set()
    for folder in ("workflows", "nominations"):
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" not in path.parts:
                recorded |= _recorded_names(path)
    assert {"nomination.submit", "nomination.award", "nomination.return", "nomination.hold",
            "nomination.reminder", "duplicate.flag"} <= recorded  # the walk finds what it should
    assert recorded <= set(registry.event_labels()), recorded - set(registry.event_labels())
    assert set(registry.event_labels()) <= set(labels.event_labels())  # the log's page and filter read them


def test_each_entry_takes_what_its_function_takes_and_its_notices_exist():
    for action in registry.REGISTRY:
        params = inspect.signature(action.run).parameters  # the dotted path leads to a function
        assert set(action.requires) | set(action.accepts) <= set(params), action.name
        assert set(action.when_final) <= set(action.accepts), action.name
        assert all(hasattr(notification_services, n) for n in action.notifications), action.name
    for action in registry.dispatched():
        params = inspect.signature(action.run).parameters
        assert all(p.kind == p.KEYWORD_ONLY for p in params.values()) and list(params)[:2] == ["actor", "nomination"]
        assert set(action.fields()) == set(params) - {"actor", "nomination"}, action.name
        assert action.transition, action.name  # available_actions tests it against the nomination's status


# --- the API, the pages and perform accept exactly the registry's public names -------------------------------


def test_the_api_enum_the_pages_and_perform_accept_exactly_the_registry_s_names(db, api, login, in_review, users):
    names = [action.name for action in registry.dispatched()]
    assert names == ["submit", "resubmit", "approve", "return", "reject", "withdraw"] == list(ACTION_NAMES)
    path_enum, available_enum = schema_action_names()
    assert sorted(path_enum) == sorted(names) and available_enum == names
    page = login("commune_chair")
    for name in names:
        assert page.get(reverse("nomination-act", args=[in_review.pk, name])).status_code == 200, name
    for other in ("return_", "hold", "clear_hold", "create", "award"):
        assert page.get(f"/nominations/{in_review.pk}/{other}/").status_code == 404, other
        response = api("commune_chair").post(f"/api/nominations/{in_review.pk}/actions/{other}/", {}, format="json")
        assert response.status_code == 404, other
        with pytest.raises(ValueError, match="unknown action"):
            perform(other, actor=users["commune_chair"], nomination=in_review)


def test_perform_runs_each_entry_s_function_with_the_fields_it_takes(monkeypatch, users, in_review):
    calls = []

    def spy(name):
        def function(**kwargs):
            calls.append((name, kwargs))
        return function

    for action in registry.dispatched():
        monkeypatch.setattr(action.function, spy(action.name))
    given = {"stage": 7, "comment": None, "reason": "Thiếu", "reason_code": None, "decision_number": "",
             "decision_date": None}
    for name in ACTION_NAMES:
        perform(name, actor=users["commune_chair"], nomination=in_review, **given)
    taken = {name: set(kwargs) - {"actor", "nomination"} for name, kwargs in calls}
    assert taken == {a.name: set(a.fields()) for a in registry.dispatched()}
    assert dict(calls)["return"] == {"actor": users["commune_chair"], "nomination": in_review, "stage": 7,
                                     "comment": "", "reason": "Thiếu", "reason_code": ""}
    with pytest.raises(TypeError, match="unexpected fields"):
        perform("approve", actor=users["commune_chair"], nomination=in_review, stage=7, note="typo")


# --- one entry is all an action needs --------------------------------------------------------------------------


ENDORSED = []


def endorse_nomination(*, actor, nomination, stage=None, comment=""):
    """The function of the entry the next test adds."""
    ENDORSED.append((actor.username, stage, comment))
    return nomination


def test_a_new_entry_appears_in_the_api_enum_the_pages_perform_the_buttons_and_the_log(
    monkeypatch, api, login, users, in_review,
):
    ENDORSED.clear()
    endorse = registry.Action(
        "endorse", f"{__name__}.endorse_nomination", "Endorse", (("nomination.endorse", "Endorsed"),), verb="endorse",
        transition="approve", dispatch=True, review=True, accepts=("stage", "comment"),
    )
    monkeypatch.setattr(registry, "REGISTRY", (*registry.REGISTRY, endorse))

    assert "endorse" in ACTION_NAMES
    path_enum, available_enum = schema_action_names()
    assert "endorse" in path_enum and "endorse" in available_enum
    stage = open_stage(in_review)
    assert available_actions(users["commune_chair"], in_review, stage)[-1] == "endorse"

    perform("endorse", actor=users["commune_chair"], nomination=in_review, stage=stage.pk, comment="a", reason="-")
    response = api("commune_chair").post(f"/api/nominations/{in_review.pk}/actions/endorse/",
                                         {"stage": stage.pk, "comment": "b"}, format="json")
    assert response.status_code == 200 and "endorse" in response.json()["available_actions"]
    page = login("commune_chair")
    detail = page.get(reverse("nomination-detail", args=[in_review.pk]))
    assert ("endorse", "Endorse") in detail.context["actions"]
    form = page.get(reverse("nomination-act", args=[in_review.pk, "endorse"]))
    assert form.status_code == 200 and form.context["title"] == "Endorse" and "reason" not in form.context["form"].fields
    done = page.post(reverse("nomination-act", args=[in_review.pk, "endorse"]), {"stage": stage.pk, "comment": "c"})
    assert done.status_code == 302
    assert ENDORSED == [("commune_chair", stage.pk, "a"), ("commune_chair", stage.pk, "b"),
                     ("commune_chair", stage.pk, "c")]
    assert labels.event_label("nomination.endorse") == "Endorsed"
