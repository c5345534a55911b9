"""The schema and the browsable docs: served without a token, from our own files (no CDN),
under the site's Content-Security-Policy (no inline script)."""

from __future__ import annotations

import re

import pytest
import yaml
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_schema_is_openapi_3_and_names_the_token(client):
    response = client.get(reverse("api:schema"))
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["personalAccessToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["personalAccessToken"]["description"],
    }
    paths = set(schema["paths"])
    assert "/api/v1/actions/{id}/progress-updates/" in paths
    assert "/api/v1/boards/{slug}/feed.csv" in paths
    assert all(path.startswith("/api/v1/") for path in paths)


def test_docs_page_loads_its_files_from_this_site(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>" not in html.replace(" ", "")  # no inline script: the CSP would refuse it
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert all(not s.startswith(("http:", "https:", "//")) for s in sources), sources
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    for source in sources:
        if source.startswith("/static/"):
            assert client.get(source).status_code == 200, source
    # The script that starts Swagger UI is a file too (the "split" view serves it).
    script = next(s for s in sources if "script" in s)
    answer = client.get(script)
    assert answer.status_code == 200
    assert "javascript" in answer["Content-Type"]
