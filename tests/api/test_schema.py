"""The OpenAPI document validates (drf-spectacular's own check) and documents what the API answers; the docs page
needs no CDN and no inline script."""

import re

from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

CONTRACT = [
    ("post", "/api/auth/token/"), ("get", "/api/me/"), ("get", "/api/org-units/"), ("get", "/api/awards/"),
    ("get", "/api/rounds/"), ("get", "/api/movements/"), ("get", "/api/nominations/"), ("post", "/api/nominations/"),
    ("get", "/api/nominations/{id}/"), ("patch", "/api/nominations/{id}/"),
    ("get", "/api/nominations/{id}/documents/"), ("post", "/api/nominations/{id}/documents/"),
    ("get", "/api/nominations/{id}/route/"), ("post", "/api/nominations/{id}/actions/{action}/"),
    ("get", "/api/inbox/"), ("get", "/api/nominations/{id}/events/"), ("get", "/api/audit/events/"),
    ("get", "/api/audit/export/"), ("get", "/api/audit/verify/"),
]


def test_spectacular_validates_the_schema_without_a_warning(tmp_path, db):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/nominations/{id}/actions/{action}/" in (tmp_path / "schema.yaml").read_text()


def test_the_schema_validates_and_holds_the_contract(db):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)  # raises on an invalid OpenAPI 3 document
    for method, path in CONTRACT:
        operation = schema["paths"][path][method]
        if path != "/api/auth/token/":
            assert "401" in operation["responses"], (method, path)
        if method != "get":
            assert "400" in operation["responses"], (method, path)
    action = schema["paths"]["/api/nominations/{id}/actions/{action}/"]["post"]
    assert {"400", "403", "404", "409"} <= set(action["responses"])
    kinds = schema["components"]["schemas"]["NomineeKindEnum"]["enum"]
    assert kinds == ["individual", "household", "clan", "collective", "enterprise", "locality", "other"]
    statuses = schema["components"]["schemas"]["StatusEnum"]["enum"]
    assert statuses == ["draft", "in_review", "returned", "on_hold", "awarded", "rejected", "withdrawn"]


def test_the_schema_is_public_json(client, db):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200 and response.json()["openapi"].startswith("3.")


def test_the_docs_page_loads_its_scripts_from_this_site(client, db):
    page = client.get("/api/docs/").content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.S)
    assert scripts
    for attributes, body in scripts:
        assert 'src="/' in attributes and not body.strip(), attributes
    assert "cdn" not in page.lower() and "https://" not in page

