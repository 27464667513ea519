"""The platform runs on intranets without internet: no page may load anything from outside."""

import re

import pytest

pytestmark = pytest.mark.django_db

EXTERNAL = re.compile(r"""(?:src|href)=["'](?:https?:)?//""")


@pytest.mark.parametrize("path", ["/login/", "/api/v1/docs"])
def test_public_pages_load_nothing_from_outside(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert not EXTERNAL.search(response.content.decode()), path


@pytest.mark.parametrize("path", ["/", "/regions/", "/residents/", "/audit/", "/account/", "/admin/"])
def test_signed_in_pages_load_nothing_from_outside(client_for, path):
    response = client_for("admin_district").get(path, follow=True)
    assert response.status_code == 200
    assert not EXTERNAL.search(response.content.decode()), path


def test_vendored_assets_are_served_locally(client_for):
    html = client_for("worker_huangli").get("/").content.decode()
    for asset in ("vendor/htmx.min.js", "vendor/pico.min.css"):
        assert f"/static/{asset}" in html
