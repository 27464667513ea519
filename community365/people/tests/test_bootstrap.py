import pytest
from django.core.management import CommandError, call_command

from community365.core.roles import Role
from community365.people.models import RoleAssignment, User
from community365.regions.models import Region

pytestmark = pytest.mark.django_db


def test_bootstrap_creates_a_district_and_its_first_admin(monkeypatch):
    monkeypatch.setenv("FIRST_ADMIN_PASSWORD", "Strong-Pass-2026")
    call_command(
        "bootstrap_district",
        name="海曙区",
        code="HS",
        admin="admin_haishu",
        password_env="FIRST_ADMIN_PASSWORD",
    )
    admin = User.objects.get(username="admin_haishu")
    assert admin.check_password("Strong-Pass-2026")
    assert RoleAssignment.objects.get(user=admin).role == Role.DISTRICT_ADMIN
    assert admin.is_staff


def test_bootstrap_refuses_a_weak_password_and_creates_no_account(monkeypatch):
    monkeypatch.setenv("FIRST_ADMIN_PASSWORD", "password")
    with pytest.raises(CommandError):
        call_command(
            "bootstrap_district",
            name="海曙区",
            code="HS",
            admin="admin_haishu",
            password_env="FIRST_ADMIN_PASSWORD",
        )
    assert not User.objects.filter(username="admin_haishu").exists()
    assert not Region.objects.filter(code="HS").exists()  # all or nothing
