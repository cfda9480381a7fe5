"""Junk in, never a 5xx out (issue 22, finding 8): every URL pattern of the project, pages, API and admin, gets
generated query strings and bodies from demo users of several roles, with real ids in the URL.

The routes come from walking the URL resolver, so a route added tomorrow is fuzzed too. For each route the test
first asks which methods it answers (the Allow header of a 405), which demo users get past its door (not 401, 403
or 404 on an empty request) and which query parameters and form fields its view looks up (by watching QueryDict);
then it sweeps: OPTIONS, HEAD, PUT and DELETE; each parameter and field alone with '²' (a digit to str.isdigit(),
not to int()), 40 nines, NUL and -1; a write with JSON nested 5,000 deep and with bodies over the size limit; each
demo nomination sent back to the API's writes with a criterion answered twice, then with each field turned bad.
Then Hypothesis generates requests, mostly with those methods, users, parameters and fields, so junk reaches the
parsers, the forms, the serializers and the actions instead of stopping at the door: JSON of random shapes and
nearly right JSON, nested thousands deep, over the size limit, form-encoded and multipart junk, bytes under odd
content types; Unicode digits, huge and negative numbers, NUL, dates that do not exist, real ids and codes.

Each request runs in a savepoint that is rolled back, so every request sees the demo world as it was built. A 5xx
is not raised at once: the test counts them all, keeps the shortest request per (route, exception, where it was
raised) and fails at the end with the list, so one run shows every distinct server error. It runs on SQLite and,
with DATABASE_URL, on PostgreSQL. The same requests every run (CI stays reproducible); FUZZ_RANDOM=1 draws new ones
each run, FUZZ_EXAMPLES (default 30; the admin's routes get a tenth) sets the requests per route, FUZZ_VERBOSE=1
prints the answers per route and the time each took.
"""

import contextlib
import copy
import json
import logging
import os
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nominations.models import (
    AwardType,
    BkTtgPath,
    Criterion,
    Document,
    DocumentKind,
    Hold,
    HoldReason,
    Nomination,
    NomineeKind,
    Round,
    Status,
)
from roles.models import Level, OrgUnit
from workflows import actions, demo, selectors
from workflows.models import Stage

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "30"))
FEW_EXAMPLES = max(2, EXAMPLES // 10)  # the admin's 130 routes (Django's own views), and the OpenAPI document
FEW = ("admin/", "api/schema/", "api/docs/")
BODY_LIMIT = 64 * 1024  # DATA_UPLOAD_MAX_MEMORY_SIZE during the test, so bodies over it stay cheap to build
ROLES = ("unit_head", "commune_staff", "commune_chair", "province_chair", "inspector", "admin", None)
METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE", "HEAD", "OPTIONS")
BODILESS = ("GET", "HEAD", "OPTIONS", "DELETE")
ACTION_NAMES = ("submit", "resubmit", "withdraw", "approve", "return", "reject")

# Query parameters tried besides those a view is seen to read: the project's filters and paginators, drf-spectacular's,
# the admin changelist's, and one nobody reads.
PARAMS = (
    "q", "status", "award", "round", "unit", "level", "before", "after", "limit", "offset", "page", "cursor", "kind",
    "nomination", "actor", "action", "since", "until", "format", "lang", "next", "language", "o", "p", "e", "all",
    "_popup", "_to_field", "_changelist_filters", "id__exact", "status__exact", "level__exact", "x",
)
# Body fields tried besides those a view is seen to read: the forms', the serializers', the admin's, and one unknown.
FIELDS = (
    "round", "award", "submitting_unit", "nominee", "nominee_kind", "nominee_name", "identity_number",
    "nominee_details", "achievement", "criteria", "code", "met", "path", "stage", "comment", "reason", "reason_code",
    "decision_number", "decision_date", "vote", "members", "present", "votes_for", "minutes", "kind", "file",
    "note", "page", "username", "password", "language", "next", "post", "action", "_selected_action", "index",
    "name", "level", "parent", "valid_from", "valid_to", "user", "org_unit", "role", "x",
)
# str.isdigit() is true for all of these; int() refuses the superscripts, circled and subscript ones (the others are
# decimal digits of other scripts, which int() reads).
UNICODE_DIGITS = ("²", "³", "¹", "①", "⑩", "𝟙", "١٢", "۳", "߃", "₂", "𝟗𝟗")
ODD = (
    "", " ", "0", "-1", "+1", "1.5", "1e9", "1e400", "NaN", "inf", "null", "true", "0x10", "1_000", " 7 ", "9" * 30,
    str(2**31), str(2**63), str(2**64), str(-(2**63) - 1), "\x00", "a\x00b", "%", "../..", "' OR 1=1 --",
    "<script>", "2026-02-30", "9999-12-31", "0001-01-01", "2026-13-01", "\u202e", "ｆｕｌｌ", "Đồng ý", "[]", "{}",
    "\ufeff", "a" * 300,
)
SWEEP = ("²", "9" * 40, "\x00", "-1")  # each, alone, in every parameter and form field a view reads
NASTY = UNICODE_DIGITS + ("9" * 40, str(2**63), "-1", "0", "\x00", "%", "2026-02-30", "1e400", "NaN", "")
FILES = (demo.PDF, b"", b"\x00" * 64, b"MZ\x90\x00junk", b"%PDF-", "Đồng ý".encode(), b"\xff\xd8\xff\xe0" + b"0" * 40)


@dataclass
class World:
    """What the demo built: ids and codes to put in URLs and bodies, a session per role, what each role reads."""

    nominations: list[int]
    documents: list[int]
    holds: list[int]
    stages: list[int]
    criteria: list[str]
    rounds: list[str]
    awards: list[str]
    units: list[str]
    sessions: dict[str, str] = field(default_factory=dict)
    readable: dict[str | None, list[int]] = field(default_factory=dict)
    echoes: list[dict] = field(default_factory=list)  # each nomination as a create body: right, but for its name

    def values(self) -> list:
        return [*self.nominations, *self.documents, *self.holds, *self.stages, *self.criteria, *self.rounds,
                *self.awards, *self.units, *Status.values, *Level.values, "admin", "unit_head"]


@dataclass(frozen=True)
class Route:
    template: str  # "nominations/<int:pk>/": converters to fill in; a regex part is written {re}…{/re}

    @property
    def examples(self) -> int:
        return FEW_EXAMPLES if self.template.startswith(FEW) else EXAMPLES

    @property
    def api(self) -> bool:
        return self.template.startswith("api/")


CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>|\{re\}(.*?)\{/re\}")


def all_routes() -> list[Route]:
    """Every URL pattern of the project, by walking the resolver."""

    def text(pattern) -> str:
        if isinstance(pattern, RegexPattern):
            return "{re}" + pattern.regex.pattern.lstrip("^").rstrip("$") + "{/re}"
        return str(pattern) if isinstance(pattern, RoutePattern) else ""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + text(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield Route(prefix + text(pattern.pattern))

    return list(dict.fromkeys(walk(get_resolver().url_patterns)))


# --- strategies -------------------------------------------------------------------------------------------------


def junk_text(world: World):
    return st.one_of(st.text(max_size=30), st.sampled_from(UNICODE_DIGITS + ODD),
                     st.integers(-(2**70), 2**70).map(str), st.sampled_from([str(v) for v in world.values()]))


def json_values(world: World):
    scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(), junk_text(world),
                        st.sampled_from(world.values()))
    keys = st.one_of(st.sampled_from(FIELDS), st.text(max_size=8))
    return st.recursive(scalars, lambda children: st.lists(children, max_size=4)
                        | st.dictionaries(keys, children, max_size=5), max_leaves=12)


def plausible_json(world: World):
    """A body the API's writes would take (real codes and ids), with a field or two turned to junk, so that junk
    gets past the serializers into the actions; criteria answers may repeat a code."""
    answers = st.lists(st.fixed_dictionaries({"code": st.sampled_from(world.criteria), "met": st.booleans()},
                                             optional={"note": st.text(max_size=20)}), min_size=1, max_size=4)
    counts = st.integers(0, 2**40)
    vote = st.fixed_dictionaries({"members": counts, "present": counts, "votes_for": counts,
                                  "minutes": st.sampled_from(world.documents)})
    text = st.text(max_size=20)
    right = st.fixed_dictionaries({}, optional={
        "round": st.sampled_from(world.rounds), "award": st.sampled_from(world.awards),
        "submitting_unit": st.sampled_from(world.units),
        "nominee": st.fixed_dictionaries({"kind": st.sampled_from(NomineeKind.values), "name": text},
                                         optional={"identity_number": st.text(max_size=12)}),
        "achievement": text, "nominee_details": text, "criteria": answers, "path": st.sampled_from(BkTtgPath.values),
        "stage": st.sampled_from(world.stages), "comment": text, "reason": text, "decision_number": text,
        "decision_date": st.dates().map(str), "vote": vote, "note": text, "present": counts, "votes_for": counts,
        "minutes": st.sampled_from(world.documents), "username": st.sampled_from(["admin", "unit_head"]),
        "password": st.just("pw"),
    })
    return st.tuples(right, st.dictionaries(st.sampled_from(FIELDS), json_values(world), max_size=2)).map(
        lambda t: {**t[0], **t[1]})


@st.composite
def echoed(draw, world: World) -> dict:
    """A nomination of the demo sent back as a create or an edit, a criterion answered twice or a field or two
    turned to junk."""
    body = copy.deepcopy(draw(st.sampled_from(world.echoes)))
    if body["criteria"] and draw(st.booleans()):
        body["criteria"].append(dict(draw(st.sampled_from(body["criteria"]))))
    for key in draw(st.lists(st.sampled_from(sorted(body)), max_size=2, unique=True)):
        body[key] = draw(json_values(world))
    return body


def form_fields(world: World, read: tuple[str, ...] = ()):
    """A form some page would take (every page's fields at once, with real values), then a few junk fields that
    override some of them or add others."""
    text = st.text(max_size=20)
    count = st.integers(0, 2**40).map(str)
    right = st.fixed_dictionaries({}, optional={
        "round": st.sampled_from(world.rounds), "award": st.sampled_from(world.awards),
        "submitting_unit": st.sampled_from(world.units), "nominee_kind": st.sampled_from(NomineeKind.values),
        "nominee_name": text, "identity_number": text, "nominee_details": text, "achievement": text,
        "path": st.sampled_from(BkTtgPath.values), "stage": st.sampled_from(world.stages).map(str), "comment": text,
        "reason": st.sampled_from(HoldReason.values) | text, "decision_number": text,
        "decision_date": st.dates().map(str), "members": count, "present": count, "votes_for": count,
        "minutes": st.sampled_from(world.documents).map(str), "kind": st.sampled_from(DocumentKind.values),
        "note": text, "page": st.sampled_from(["edit", "detail"]), "username": st.sampled_from(["admin", "unit_head"]),
        "password": st.just("pw"), "language": st.sampled_from(["vi", "en"]), "next": st.just("/"),
        **{f"met_{code}": st.sampled_from(["on", ""]) for code in world.criteria[:12]},
        **{f"note_{code}": text for code in world.criteria[:12]},
    }).map(lambda form: list(form.items()))
    names = st.one_of(*[st.sampled_from(read)] * 3 if read else [], st.sampled_from(FIELDS), st.text(max_size=8))
    values = st.one_of(st.sampled_from(NASTY), junk_text(world))
    return st.tuples(right, st.lists(st.tuples(names, values), max_size=4)).map(lambda t: t[0] + t[1])


def deep_json():
    """Arrays or objects nested thousands deep (as text: json.dumps would recurse itself), under the size limit."""
    return st.tuples(st.integers(2_000, BODY_LIMIT // 10), st.booleans()).map(
        lambda t: ("[" * t[0] + "]" * t[0]) if t[1] else ('{"vote":' * t[0] + "1" + "}" * t[0]))


def bodies(world: World, api: bool, read: tuple[str, ...] = ()):
    """(content type, bytes) or ("multipart", [(name, value or file)]): JSON first for the API, forms for pages."""
    json_body = st.one_of(plausible_json(world), echoed(world), json_values(world)).map(
        lambda v: ("application/json", json.dumps(v).encode()))
    form_body = form_fields(world, read).map(
        lambda pairs: ("application/x-www-form-urlencoded", urlencode(pairs).encode()))
    multipart = st.tuples(form_fields(world, read), st.sampled_from(FILES), st.text(max_size=20),
                          st.sampled_from(["file", "x"])).map(
        lambda t: ("multipart", [*t[0], (t[3], ContentFile(t[1], name=t[2] or "f.pdf"))]))
    deep = deep_json().map(lambda text: ("application/json", text.encode()))
    too_big = st.sampled_from([("application/json", b'"' + b"x" * (BODY_LIMIT + 1) + b'"'),
                               ("application/x-www-form-urlencoded", b"a=" + b"x" * (BODY_LIMIT + 1))])
    raw = st.tuples(
        st.sampled_from(["application/json", "application/json; charset=utf-16", "application/json; charset=nope",
                         "text/plain", "multipart/form-data", "multipart/form-data; boundary=x",
                         "application/x-www-form-urlencoded", "", "*/*"]),
        st.binary(max_size=200) | st.sampled_from([b"{", b"[1,", b'{"a": NaN}', b"1" * 5000, b"\xff\xfe"]))
    usual = [json_body, json_body, form_body] if api else [form_body, form_body, multipart]
    return st.one_of(*usual, deep, too_big, multipart if api else json_body, raw)


def path_for(route: Route, world: World, readable: list[int]):
    """The route's URL with its converters filled in: mostly real ids (of nominations the user may read) and
    action names, sometimes junk."""
    ints = st.one_of(st.sampled_from(readable or world.nominations), st.sampled_from(readable or world.nominations),
                     st.sampled_from(world.nominations), st.sampled_from([0, 1, 2**31, 2**63 - 1, 2**63, 10**30]))

    def part(name, regex):
        if regex is not None:
            alternatives = re.search(r"\(\?P<\w+>([\w|]+)\)", regex)
            if alternatives:  # the admin's app index
                return st.sampled_from(alternatives.group(1).split("|")).map(lambda a: re.sub(r"\(\?P<.*?\)", a, regex))
            return st.text(max_size=20).map(lambda t: quote(t, safe="/"))
        if name == "pk":
            return ints.map(str)
        if name == "document_id":
            return st.one_of(st.sampled_from(world.documents), ints).map(str)
        if name == "hold_id":
            return st.one_of(st.sampled_from(world.holds), ints).map(str)
        if name == "action":
            return st.one_of(st.sampled_from(ACTION_NAMES), st.from_regex(r"[-a-z0-9_]{1,12}", fullmatch=True))
        # the admin's object and content type ids
        return st.one_of(st.integers(1, 12).map(str), st.sampled_from(UNICODE_DIGITS + ("abc", "-1", "9" * 25)).map(
            lambda t: quote(t, safe="")))

    pieces, last = [], 0
    for match in CONVERTER.finditer(route.template):
        pieces += [st.just(route.template[last:match.start()]), part(match.group(2), match.group(3))]
        last = match.end()
    pieces.append(st.just(route.template[last:]))
    return st.tuples(*pieces).map(lambda parts: "/" + "".join(parts))


def requests_for(route: Route, world: World, door: "Door"):
    params = st.sampled_from(door.params) if door.params else st.sampled_from(PARAMS)
    nasty = st.one_of(st.sampled_from(NASTY), junk_text(world))
    queries = st.lists(st.tuples(params | params | params | st.sampled_from(PARAMS), nasty), max_size=4).map(urlencode)
    roles = st.sampled_from(door.roles) if door.roles else st.sampled_from(ROLES)
    methods = st.sampled_from(door.methods)
    return st.tuples(roles | roles | roles | st.sampled_from(ROLES), methods | methods | st.sampled_from(METHODS)).flatmap(
        lambda pair: st.fixed_dictionaries({
            "role": st.just(pair[0]), "method": st.just(pair[1]), "query": queries,
            "path": path_for(route, world, world.readable.get(pair[0], [])),
            "body": st.just(("", b"")) if pair[1] in BODILESS else bodies(world, route.api, door.fields),
            "accept": st.sampled_from(["", "", "", "", "", "", "application/json", "*/*", "text/html;q=0.9, x/y"]),
        }))


# --- the run ----------------------------------------------------------------------------------------------------


@dataclass
class Door:
    """Which methods a route answers, which roles get past its permission checks on an empty request, and the
    query parameters and form fields its view reads."""

    methods: tuple[str, ...]
    roles: tuple[str | None, ...]
    params: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()


@contextlib.contextmanager
def keys_read():
    """The keys a view looks up in request.GET / request.POST (forms, serializers and paginators included)."""
    seen, patched = set(), {}
    for name in ("get", "getlist", "__getitem__", "__contains__"):
        original = getattr(MultiValueDict, name)
        patched[name] = (original, name in MultiValueDict.__dict__)

        def spy(self, key, *args, original=original, **kwargs):
            if isinstance(self, QueryDict) and isinstance(key, str):
                seen.add(key)
            return original(self, key, *args, **kwargs)

        setattr(MultiValueDict, name, spy)
    try:
        yield seen
    finally:
        for name, (original, own) in patched.items():
            if own:
                setattr(MultiValueDict, name, original)
            else:
                delattr(MultiValueDict, name)


def client_for(world: World, role: str | None) -> Client:
    client = Client(raise_request_exception=False)
    if role is not None:
        client.cookies[django_settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


def door_of(route: Route, world: World) -> Door:
    """The methods from the Allow header of a 405 to a method nobody answers (GET and POST when a view does not
    say); the roles from an empty request with the first method that takes a body (the admin: its superuser); the
    parameters and fields from a GET and a POST by the first of those roles, watching what the view looks up."""
    response = _try(world, "admin", "FUZZPROBE", _real_path(route, world, world.nominations))
    allowed = response.headers.get("Allow", "") if response.status_code == 405 else ""
    methods = tuple(m for m in (m.strip().upper() for m in allowed.split(",")) if m in METHODS and m != "OPTIONS")
    methods = methods or ("GET", "POST")
    roles = []
    if route.template.startswith("admin/"):
        roles = ["admin"]
    else:
        method = next((m for m in methods if m not in BODILESS), methods[0])
        for role in ROLES:
            answer = _try(world, role, method, _real_path(route, world, world.readable.get(role) or world.nominations))
            refused = answer.status_code in (401, 403, 404) or (
                answer.status_code == 302 and django_settings.LOGIN_URL in answer.headers.get("Location", ""))
            if not refused:
                roles.append(role)
    role = roles[0] if roles else "admin"
    path = _real_path(route, world, world.readable.get(role) or world.nominations)
    with keys_read() as params:
        if "GET" in methods:
            _try(world, role, "GET", path + "?x=1")
    with keys_read() as fields:
        if "POST" in methods:
            _try(world, role, "POST", path, b"x=1", "application/x-www-form-urlencoded")
    return Door(methods, tuple(roles), tuple(sorted(params - {"x"})), tuple(sorted(fields - {"x"})))


def _real_path(route: Route, world: World, nominations: list[int]) -> str:
    nomination = nominations[0]
    document = Document.objects.filter(nomination_id=nomination).values_list("pk", flat=True).first()
    values = {"pk": nomination, "document_id": document or 0, "hold_id": world.holds[0], "action": "approve"}
    return "/" + CONVERTER.sub(lambda m: str(values.get(m.group(2), 1)) if m.group(2) else "x", route.template)


def _try(world: World, role: str | None, method: str, path: str, body=b"{}", content_type="application/json"):
    with transaction.atomic():
        response = client_for(world, role).generic(method, path, body, content_type)
        transaction.set_rollback(True)
    return response


class Captured(logging.Handler):
    """The exception behind a 500 that the API's handler or Django logged (the response itself says nothing)."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.exc = None

    def emit(self, record):
        if record.exc_info and record.exc_info[1] is not None:
            self.exc = record.exc_info[1]


def send(world: World, request: dict):
    client = client_for(world, request["role"])
    url = request["path"] + ("?" + request["query"] if request["query"] else "")
    headers = {"HTTP_ACCEPT": request["accept"]} if request["accept"] else {}
    method, (content_type, data) = request["method"], request["body"]
    if method in BODILESS:
        return client.generic(method, url, **headers)
    if content_type == "multipart":
        fields = {}
        for name, value in data:
            fields.setdefault(name, []).append(value)
        return client.generic(method, url, encode_multipart(BOUNDARY, fields), MULTIPART_CONTENT, **headers)
    return client.generic(method, url, data, content_type, **headers)


def origin_of(exc) -> str:
    tb, where = exc.__traceback__, "?"
    while tb is not None:
        where = f"{tb.tb_frame.f_code.co_filename.rsplit('/main/', 1)[-1]}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where


def summary(request: dict) -> str:
    content_type, data = request["body"]
    text = str(data)
    body = "" if request["method"] in BODILESS else (
        f" {content_type or '-'} {text[:120]!r}{'…' if len(text) > 120 else ''} ({len(text)} chars)")
    return f"{request['role'] or 'anonymous'}: {request['method']} {request['path']}?{request['query']}{body}"


def fuzz_route(route: Route, world: World, captured: Captured, errors: dict, sent: list) -> None:
    """The methods nobody thinks of; each parameter and form field the view reads with each SWEEP value, one at a
    time; then Hypothesis's search over the route. Each 5xx is counted under (route, exception, where it was
    raised)."""
    door = door_of(route, world)
    if os.environ.get("FUZZ_VERBOSE"):
        print(route.template, door)

    def check(request: dict) -> None:
        captured.exc = None
        with transaction.atomic():
            response = send(world, request)
            transaction.set_rollback(True)
        sent.append((route.template, response.status_code, request["role"]))
        if response.status_code < 500:
            return
        exc = (response.exc_info[1] if getattr(response, "exc_info", None) else None) or captured.exc
        kind = f"{type(exc).__name__}: {str(exc)[:120]}" if exc is not None else f"HTTP {response.status_code}"
        key = (route.template, type(exc).__name__ if exc else response.status_code, origin_of(exc) if exc else "")
        seen = errors.setdefault(key, {"count": 0, "example": summary(request), "kind": kind})
        seen["count"] += 1
        if len(summary(request)) < len(seen["example"]):
            seen["example"] = summary(request)

    role = door.roles[0] if door.roles else "admin"
    path = _real_path(route, world, world.readable.get(role) or world.nominations)
    if not route.template.startswith("admin/"):  # the methods nobody thinks of (OPTIONS on the docs was a 500)
        for method in ("OPTIONS", "HEAD", "PUT", "DELETE"):
            check({"role": role, "method": method, "path": path, "query": "", "body": ("", b""), "accept": ""})
    if not route.template.startswith(FEW):
        for value in SWEEP:
            for param in door.params:
                check({"role": role, "method": "GET", "path": path, "query": urlencode({param: value}),
                       "body": ("", b""), "accept": ""})
            for name in door.fields if "POST" in door.methods else ():
                body = urlencode({name: value}).encode()
                check({"role": role, "method": "POST", "path": path, "query": "", "accept": "",
                       "body": ("application/x-www-form-urlencoded", body)})
        write = next((m for m in door.methods if m in ("POST", "PATCH", "PUT")), None)
        for body in ([("application/json", b"[" * 5000 + b"]" * 5000),  # deep, under the size limit
                      ("application/json", b'"' + b"x" * BODY_LIMIT + b'"'),  # over the size limit
                      ("application/x-www-form-urlencoded", b"a=" + b"x" * BODY_LIMIT)] if write else []):
            check({"role": role, "method": write, "path": path, "query": "", "accept": "", "body": body})
        bodies_ = [{**echo, "criteria": [*echo["criteria"], *echo["criteria"][:1]]}  # an answer given twice
                   for echo in world.echoes]
        bodies_ += [{**world.echoes[0], key: value} for key in world.echoes[0] for value in SWEEP]
        for body in bodies_ if route.api and write else ():  # each nomination sent back, then with one bad field
            check({"role": role, "method": write, "path": path, "query": "", "accept": "",
                   "body": ("application/json", json.dumps(body).encode())})

    @settings(max_examples=route.examples, deadline=None, database=None, suppress_health_check=list(HealthCheck),
              derandomize=not os.environ.get("FUZZ_RANDOM"))
    @given(request=requests_for(route, world, door))
    def fuzz(request):
        check(request)

    fuzz()


@pytest.fixture(autouse=True)
def _caches_emptied_after():
    """The savepoints roll back the database, not the cache: the chain-check throttle counts every verify the fuzz
    sent (tests/api/test_audit_and_council.py would then meet a 429)."""
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def world(users, org_tree):
    demo.build_nominations(users, org_tree)
    in_review = Nomination.objects.filter(status=Status.IN_REVIEW).first()
    actions.place_hold(actor=users["chief_inspector"], nominee=in_review.nominee, reason=HoldReason.values[0],
                       upload=ContentFile(demo.PDF, name="hold.pdf"), note="Đơn khiếu nại.")
    world = World(
        nominations=list(Nomination.objects.values_list("pk", flat=True)),
        documents=list(Document.objects.values_list("pk", flat=True)),
        holds=list(Hold.objects.values_list("pk", flat=True)),
        stages=list(Stage.objects.values_list("pk", flat=True)),
        criteria=list(Criterion.objects.values_list("code", flat=True).distinct()),
        rounds=list(Round.objects.values_list("code", flat=True)),
        awards=list(AwardType.objects.values_list("code", flat=True)),
        units=list(OrgUnit.objects.values_list("code", flat=True)),
    )
    for role in ROLES:
        if role is not None:
            user, client = get_user_model().objects.get(username=role), Client()
            client.force_login(user)
            world.sessions[role] = client.cookies[django_settings.SESSION_COOKIE_NAME].value
            world.readable[role] = list(selectors.nomination_list(user).values_list("pk", flat=True))
    for n in Nomination.objects.select_related("round", "award", "submitting_unit", "nominee").prefetch_related(
            "answers__criterion").order_by("pk"):
        world.echoes.append({
            "round": n.round.code, "award": n.award.code, "submitting_unit": n.submitting_unit.code, "path": n.path,
            "nominee": {"kind": n.nominee.kind, "name": f"{n.nominee.name} (2)"}, "achievement": n.achievement,
            "criteria": [{"code": a.criterion.code, "met": a.met, "note": a.note} for a in n.answers.all()],
        })
    return world


def test_no_route_answers_junk_with_a_server_error(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = BODY_LIMIT
    routes = all_routes()
    assert len(routes) > 40 and any(r.api for r in routes) and any(r.template.startswith("admin/") for r in routes)
    errors: dict[tuple, dict] = {}
    captured, sent, timings = Captured(), [], {}
    loggers = [logging.getLogger(name) for name in ("django.request", "api.exceptions")]
    for logger in loggers:
        logger.addHandler(captured)
    try:
        for route in routes:
            started = time.monotonic()
            fuzz_route(route, world, captured, errors, sent)
            timings[route.template] = time.monotonic() - started
    finally:
        for logger in loggers:
            logger.removeHandler(captured)
    if os.environ.get("FUZZ_VERBOSE"):
        for template, seconds in timings.items():
            print(f"{seconds:5.1f}s {template} {sorted(Counter(c for t, c, _r in sent if t == template).items())}")
            if os.environ.get("FUZZ_VERBOSE") == "2":
                print(sorted(Counter((str(r), c) for t, c, r in sent if t == template).items()))
    # The test reaches the views: most answers are not the doors' (a fuzz stuck at the login page finds nothing).
    answers = Counter(code for _template, code, _role in sent)
    assert sum(n for code, n in answers.items() if code < 300 or code in (400, 409, 413)) > len(sent) / 3, answers
    report = "\n".join(
        f"  {e['count']:4d}x {template}  {e['kind']}  at {where}\n        e.g. {e['example']}"
        for (template, _kind, where), e in sorted(errors.items(), key=lambda item: item[0][0])
    )
    total = sum(e["count"] for e in errors.values())
    assert not errors, f"{total} server errors in {len(sent)} requests over {len(routes)} routes:\n{report}"
