"""District admins and community secretaries open accounts and grant roles at their places —
and nowhere else."""

import pytest

from community365.audit.models import AuditEvent
from community365.core.roles import Role
from community365.people.models import RoleAssignment, User

pytestmark = pytest.mark.django_db


def _open(client, region, **overrides):
    data = {
        "username": "new_volunteer",
        "display_name": "李伟",
        "phone": "",
        "password": "Volunteer-2026",
        "role": Role.VOLUNTEER,
        "region": region.pk,
    }
    data.update(overrides)
    return client.post("/accounts/", data)


def test_secretary_opens_a_volunteer_account_in_own_community(client_for, region):
    huachuan = region("划船社区")
    response = _open(client_for("secretary_huachuan"), huachuan)
    assert response.status_code == 302
    user = User.objects.get(username="new_volunteer")
    assert user.check_password("Volunteer-2026")
    assert RoleAssignment.objects.filter(user=user, role=Role.VOLUNTEER, region=huachuan).exists()
    assert AuditEvent.objects.filter(
        action="people.role:grant", actor__username="secretary_huachuan"
    ).exists()


def test_secretary_cannot_open_an_account_in_another_community(client_for, region):
    response = _open(client_for("secretary_huachuan"), region("黄鹂社区"))
    assert response.status_code == 200  # the form again, with the reason
    assert "您不能在该区域授予角色" in response.content.decode()
    assert not User.objects.filter(username="new_volunteer").exists()


def test_secretary_cannot_hand_out_a_district_role(client_for, region):
    response = _open(client_for("secretary_huachuan"), region("划船社区"), role=Role.DISTRICT_ADMIN)
    assert response.status_code == 200
    assert not User.objects.filter(username="new_volunteer").exists()
    assert not RoleAssignment.objects.filter(
        role=Role.DISTRICT_ADMIN, user__username="new_volunteer"
    ).exists()


def test_a_weak_password_is_refused_and_nothing_is_written(client_for, region):
    users_before = User.objects.count()
    response = _open(client_for("secretary_huachuan"), region("划船社区"), password="abc")
    assert response.status_code == 200
    assert "密码太短" in response.content.decode()
    assert User.objects.count() == users_before


def test_a_taken_user_name_is_refused(client_for, region):
    response = _open(client_for("secretary_huachuan"), region("划船社区"), username="worker_huachuan")
    assert response.status_code == 200
    assert "已被使用" in response.content.decode()


@pytest.mark.parametrize("username", ["worker_huachuan", "resident_huachuan", "leader_demo", "member_demo"])
def test_people_who_cannot_grant_roles_do_not_find_the_page(client_for, username):
    assert client_for(username).get("/accounts/").status_code == 404


def test_secretary_revokes_a_volunteer_role_in_own_community(client_for, persona):
    assignment = RoleAssignment.objects.get(user=persona("volunteer_demo"), role=Role.VOLUNTEER)
    response = client_for("secretary_huachuan").post(f"/accounts/roles/{assignment.pk}/revoke")
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.revoked_at is not None


def test_nobody_revokes_their_own_role_here(client_for, persona):
    assignment = RoleAssignment.objects.get(user=persona("secretary_huachuan"), role=Role.COMMUNITY_SECRETARY)
    response = client_for("secretary_huachuan").post(f"/accounts/roles/{assignment.pk}/revoke")
    assert response.status_code == 404
    assignment.refresh_from_db()
    assert assignment.revoked_at is None


def test_secretary_cannot_revoke_a_role_in_another_community(client_for, persona):
    assignment = RoleAssignment.objects.get(user=persona("worker_huangli"), role=Role.SOCIAL_WORKER)
    response = client_for("secretary_huachuan").post(f"/accounts/roles/{assignment.pk}/revoke")
    assert response.status_code == 404
    assignment.refresh_from_db()
    assert assignment.revoked_at is None


def test_district_admin_makes_a_department_liaison(client_for, region):
    from community365.regions.models import Department

    housing = Department.objects.get(name="区住建局")
    response = _open(
        client_for("admin_district"),
        region("江东区"),
        username="liaison_two",
        role=Role.DEPARTMENT_LIAISON,
        department=housing.pk,
    )
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(user__username="liaison_two", department=housing).exists()


def test_a_liaison_without_department_is_refused(client_for, region):
    response = _open(
        client_for("admin_district"), region("江东区"), username="liaison_three", role=Role.DEPARTMENT_LIAISON
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="liaison_three").exists()
