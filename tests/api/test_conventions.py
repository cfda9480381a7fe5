"""Every operation of the OpenAPI document keeps the conventions of docs/api.md, the ones a generated client needs:
an explicit readable operationId, JSON request bodies (multipart only where a file is uploaded) matching the parsers
the view really has, file and export responses as binary, and examples that fit their schemas. An endpoint added
later is held to them too; and openapi-python-client generates the whole document without a warning."""

import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from django.urls import path, resolve
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

ROOT = Path(__file__).resolve().parents[2]
METHODS = {"get", "post", "put", "patch", "delete"}
READABLE = re.compile(r"[a-z]+(_[a-z]+)+")  # verb_noun: the generated client's function name


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for route, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {route}", route, method, operation


def resolved(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def uploads_a_file(schema, body_schema) -> bool:
    properties = resolved(schema, body_schema).get("properties", {})
    return any(resolved(schema, p).get("format") == "binary" for p in properties.values())


def test_every_operation_has_a_readable_operation_id_of_its_own(schema):
    ids = [operation.get("operationId", "") for _, _, _, operation in operations(schema)]
    assert len(ids) >= 28
    unreadable = [i for i in ids if not READABLE.fullmatch(i)]
    assert not unreadable, f"operationId must be verb_noun in snake case: {unreadable}"
    assert len(set(ids)) == len(ids), sorted(i for i in ids if ids.count(i) > 1)


class Unnamed(APIView):
    @extend_schema(responses={200: None})
    def get(self, request):
        return Response()


def test_an_operation_without_an_explicit_operation_id_is_a_schema_warning(capsys):
    """What makes `spectacular --fail-on-warn` (tests/api/test_schema.py, CI) refuse an unnamed endpoint."""
    GENERATOR_STATS.reset()
    try:
        SchemaGenerator(patterns=[path("api/unnamed/", Unnamed.as_view())]).get_schema(request=None, public=True)
        assert GENERATOR_STATS
    finally:
        GENERATOR_STATS.reset()
    assert 'GET /api/unnamed/: give the operation a readable name, @extend_schema(operation_id="verb_noun"' in (
        capsys.readouterr().err)


def test_request_bodies_are_json_or_a_multipart_upload_as_the_view_parses_them(schema):
    bodies = 0
    for name, route, _, operation in operations(schema):
        content = operation.get("requestBody", {}).get("content")
        if content is None:
            continue
        bodies += 1
        declared = sorted(content)
        expected = ["multipart/form-data"] if any(uploads_a_file(schema, c["schema"]) for c in content.values()) \
            else ["application/json"]
        assert declared == expected, f"{name}: request body offered as {declared}, should be {expected}"
        view = resolve(re.sub(r"\{[^}]+\}", "1", route)).func.view_class
        accepted = sorted(parser.media_type for parser in view.parser_classes)
        assert accepted == declared, f"{name}: the view parses {accepted}, the schema offers {declared}"
    assert bodies >= 9


def test_files_and_exports_are_binary_in_their_own_media_types(schema):
    for name, _, _, operation in operations(schema):
        for code, answer in operation["responses"].items():
            for media_type, content in answer.get("content", {}).items():
                assert "*" not in media_type, f"{name} {code}: say which media types, not {media_type}"
                if media_type != "application/json":
                    assert content["schema"] == {"type": "string", "format": "binary"}, (name, code, media_type)
    download = schema["paths"]["/api/nominations/{id}/documents/{document_id}/file/"]["get"]["responses"]["200"]
    assert {"application/pdf", "image/jpeg", "application/octet-stream"} <= set(download["content"])
    export = schema["paths"]["/api/audit/export/"]["get"]["responses"]["200"]
    assert list(export["content"]) == ["application/x-ndjson"]


def json_schema(node):
    """OpenAPI 3.0's schema objects as JSON Schema: `nullable` becomes a null alternative."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


def test_every_operation_has_examples_that_fit_its_schema(schema):
    components = json_schema(copy.deepcopy(schema["components"]))
    checked = 0
    for name, _, _, operation in operations(schema):
        contents = [("request", operation["requestBody"]["content"])] if "requestBody" in operation else []
        contents += [(code, answer["content"]) for code, answer in operation["responses"].items()
                     if code.startswith("2") and answer.get("content")]
        assert contents or operation["responses"].keys() & {"204"}, f"{name} answers nothing"
        for where, content in contents:
            examples = {media_type: c.get("examples", {}) for media_type, c in content.items()}
            assert any(examples.values()), f"{name} {where}: no example (OpenApiExample, api/examples.py)"
            for media_type, found in examples.items():
                for example in found.values():
                    if media_type == "application/json":
                        validator = jsonschema.Draft202012Validator(
                            {**json_schema(content[media_type]["schema"]), "components": components})
                        errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
                                  for e in validator.iter_errors(example["value"])]
                        assert not errors, f"{name} {where}: the example does not fit: {errors}"
                    checked += 1
    assert checked >= 35


def test_openapi_python_client_generates_every_operation_without_a_warning(schema, tmp_path):
    """The generator as an integrator runs it (with .ci/api-client.yaml); .ci/api-client then drives the result."""
    (tmp_path / "schema.json").write_text(json.dumps(schema, default=str))
    generate = subprocess.run(  # noqa: S603 (our own virtualenv's executables, fixed arguments)
        [Path(sys.executable).with_name("openapi-python-client"), "generate", "--path", "schema.json",
         "--config", ROOT / ".ci/api-client.yaml", "--meta", "none", "--output-path", "thidua_client"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env={"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"})
    output = generate.stdout + generate.stderr
    assert generate.returncode == 0 and not re.search(r"warning|error|skipping", output, re.I), output
    functions = sorted(p.stem for p in (tmp_path / "thidua_client/api").rglob("*.py") if p.stem != "__init__")
    assert functions == sorted(operation["operationId"] for *_, operation in operations(schema))
    imported = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import thidua_client.api.nominations.upload_document, thidua_client.models"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert imported.returncode == 0, imported.stderr


def test_a_body_in_another_media_type_than_the_schema_offers_is_415_and_changes_nothing(api, draft_factory):
    nomination = draft_factory(documents=[])
    client = api("unit_head")
    documents = f"/api/nominations/{nomination.pk}/documents/"
    response = client.post(documents, "kind=khac", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415 and "application/x-www-form-urlencoded" in response.json()["detail"]
    assert client.post(documents, {"kind": "khac", "file": "x"}, format="json").status_code == 415
    response = client.patch(f"/api/nominations/{nomination.pk}/", {"achievement": "Đổi qua biểu mẫu."},
                            format="multipart")
    assert response.status_code == 415 and "multipart/form-data" in response.json()["detail"]
    assert client.get(documents).json() == [] and client.get(f"/api/nominations/{nomination.pk}/").json()[
        "achievement"] == nomination.achievement
