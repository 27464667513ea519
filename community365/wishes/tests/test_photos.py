"""A wish's photo is served only to the wisher's side and the claimant — never to the board."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from community365.wishes import services

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def wish_with_photo(make_wish, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    wish = make_wish()
    wish.photo.save("radio.png", SimpleUploadedFile("radio.png", PNG, content_type="image/png"), save=True)
    return wish


def url(wish, kind="photo"):
    return f"/wishes/{wish.pk}/photos/{kind}"


def test_the_communitys_social_worker_sees_the_photo(client_for, wish_with_photo):
    response = client_for("worker_huachuan").get(url(wish_with_photo))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG


def test_a_party_member_who_has_not_claimed_it_does_not(client_for, wish_with_photo):
    # the wish is on the board (visible), but its photo is not for the public
    assert client_for("member_demo").get(f"/wishes/{wish_with_photo.pk}/").status_code == 200
    assert client_for("member_demo").get(url(wish_with_photo)).status_code == 404


def test_the_claimant_sees_it(client_for, persona, wish_with_photo):
    services.wish_claim(actor=persona("member_demo"), wish=wish_with_photo)
    assert client_for("member_demo").get(url(wish_with_photo)).status_code == 200


def test_another_communitys_worker_gets_404(client_for, wish_with_photo):
    assert client_for("worker_huangli").get(url(wish_with_photo)).status_code == 404


def test_an_unknown_kind_or_a_missing_photo_is_404(client_for, wish_with_photo, make_wish):
    assert client_for("worker_huachuan").get(url(wish_with_photo, "passport")).status_code == 404
    assert client_for("worker_huachuan").get(url(wish_with_photo, "delivery")).status_code == 404
    assert client_for("worker_huachuan").get(url(make_wish(title="想要一把雨伞"))).status_code == 404


def test_the_detail_page_shows_the_photo_only_to_those_who_may_see_it(client_for, wish_with_photo):
    assert (
        url(wish_with_photo)
        in client_for("worker_huachuan").get(f"/wishes/{wish_with_photo.pk}/").content.decode()
    )
    assert (
        url(wish_with_photo)
        not in client_for("member_demo").get(f"/wishes/{wish_with_photo.pk}/").content.decode()
    )


def test_anonymous_visitors_are_sent_to_sign_in(client, wish_with_photo):
    assert client.get(url(wish_with_photo)).status_code == 302
