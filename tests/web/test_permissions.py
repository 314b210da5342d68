"""Walk the whole role x permission matrix.

The expected table is written from the roles' descriptions in the foundation issue, not from the code: every
authenticated role sees the dashboard, the organisation chart and its own jobs; only system administrators see
personal data of other staff, manage and move users, and review, export or verify the access log.
"""

from __future__ import annotations

import pytest

from mokmin.roles import Role

ALL = set(Role)
ADMIN = {Role.SYSADMIN}

EXPECTED: dict[str, set[Role]] = {
    "core.view_dashboard": ALL,
    "accounts.view_org_chart": ALL,
    "accounts.view_personal_info": ADMIN,
    "accounts.manage_users": ADMIN,
    "accounts.move_user": ADMIN,
    "audit.view_access_log": ADMIN,
    "audit.export_access_log": ADMIN,
    "audit.verify_access_log": ADMIN,
    "jobs.view_jobs": ALL,
    "jobs.view_all_jobs": ADMIN,
    "knowledge.view": ALL,
    "knowledge.create": ALL,
    "knowledge.review_any": {Role.KNOWLEDGE_MANAGER, Role.SYSADMIN},  # the administrator is a superuser
    "knowledge.view_insights": {Role.KNOWLEDGE_MANAGER, Role.SYSADMIN},
    "knowledge.manage_dictionary": {Role.KNOWLEDGE_MANAGER, Role.SYSADMIN},
    "knowledge.import": {Role.KNOWLEDGE_MANAGER, Role.DATA_STEWARD, Role.SYSADMIN},
    "mileage.view_ranking": ALL,
    "datahub.view_catalog": ALL,
    "analysis.view": ALL,
    "analysis.run": ALL,
    "datahub.upload": {Role.DATA_STEWARD, Role.SYSADMIN},
    "datahub.manage": {Role.DATA_STEWARD, Role.SYSADMIN},
    "connections.manage": {Role.DATA_STEWARD, Role.SYSADMIN},
    "mileage.export": ADMIN,
    "qa.view": ALL,
    "qa.ask": ALL,
    "qa.answer": ALL,
    "clubs.view": ALL,
    "clubs.create": ALL,
    "proposals.view": ALL,  # every staff member follows proposals, proposes and debates
    "proposals.submit": ALL,
    "proposals.debate": ALL,
    "proposals.manage": {Role.KNOWLEDGE_MANAGER, Role.SYSADMIN},  # the proposal office: assign, decide, merge
    "proposals.open_debate": {Role.KNOWLEDGE_MANAGER, Role.SYSADMIN},
    "evaluation.view": ALL,  # every staff member may sit on a committee
    "evaluation.manage": {Role.KNOWLEDGE_MANAGER, Role.SYSADMIN},  # the evaluation administrators (proposal office)
}
OBJECT_PERMS = {"jobs.view_job", "jobs.cancel_job", "knowledge.read_item", "knowledge.edit_item",
                "knowledge.review_item", "knowledge.withdraw_item", "datahub.explore", "datahub.analyse", "qa.accept_answer",
                "clubs.manage_club",
                "clubs.contribute", "proposals.review_proposal", "proposals.view_contact", "proposals.moderate_debate",
                "evaluation.view_session", "evaluation.evaluate"}


def test_the_table_covers_every_registered_permission():
    from mokmin.web.core.permissions import all_permissions

    assert set(all_permissions()) == set(EXPECTED) | OBJECT_PERMS


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_role_matrix(role, make_user):
    user = make_user(f"user_{role.value}", role)
    got = {perm for perm in EXPECTED if user.has_perm(perm)}
    assert got == {perm for perm, roles in EXPECTED.items() if role in roles}


@pytest.mark.django_db
def test_anonymous_has_no_permission():
    from django.contrib.auth.models import AnonymousUser

    assert not any(AnonymousUser().has_perm(perm) for perm in EXPECTED)


@pytest.mark.django_db
def test_inactive_user_loses_roles(make_user):
    user = make_user("gone", Role.SYSADMIN)
    user.is_superuser = False
    user.is_active = False
    user.save()
    assert not user.has_perm("audit.view_access_log")


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_job_object_permissions(role, make_user):
    from mokmin.web.jobs.models import Job

    owner = make_user("owner", Role.STAFF)
    user = make_user(f"user_{role.value}", role)
    mine = Job.objects.create(kind="audit.verify", title="mine", created_by=user)
    theirs = Job.objects.create(kind="audit.verify", title="theirs", created_by=owner)
    assert user.has_perm("jobs.view_job", mine) and user.has_perm("jobs.cancel_job", mine)
    assert user.has_perm("jobs.view_job", theirs) == (role is Role.SYSADMIN)
    assert user.has_perm("jobs.cancel_job", theirs) == (role is Role.SYSADMIN)


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "allowed"), [
    ("/", ALL), ("/accounts/departments/", ALL), ("/jobs/", ALL), ("/audit/", ADMIN),
    ("/accounts/users/owner/", ADMIN),
])
@pytest.mark.parametrize("role", list(Role))
def test_pages_follow_the_matrix(client, make_user, role, url, allowed):
    make_user("owner", Role.STAFF)
    client.force_login(make_user(f"user_{role.value}", role))
    assert client.get(url).status_code == (200 if role in allowed else 403)
