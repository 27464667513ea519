"""Pages are in Chinese unless the user switches; the switch sticks; the API may ask."""

import pytest

pytestmark = pytest.mark.django_db


def test_pages_are_chinese_even_for_an_english_browser(client):
    response = client.get("/login/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "登录社区365" in response.content.decode()


def test_the_language_switch_turns_pages_english_and_back(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert "Log in to Community 365" in client.get("/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/login/"})
    assert "登录社区365" in client.get("/login/").content.decode()


def test_api_messages_follow_accept_language(client):
    chinese = client.post(
        "/api/v1/auth/token", {"username": "nobody", "password": "x"}, content_type="application/json"
    )
    english = client.post(
        "/api/v1/auth/token",
        {"username": "nobody", "password": "x"},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert chinese.status_code == english.status_code == 401
    assert chinese.json()["message"] != english.json()["message"]
