"""Who may do what in the data hub. Personal datasets (plates, names, addresses below dong level, even
pseudonymised) are for analysts and data stewards; every view of their rows is written to the access log.

Running an analysis is not viewing rows: an analysis returns counts per cell, place and hour, never a plate.
So the staff of the department that owns a dataset (its teams included) may analyse it even when it is
personal (``datahub.analyse``): the parking team runs hot spots and siting on its own enforcement records
without being able to open them row by row."""

from __future__ import annotations

import rules

from mokmin.roles import Role
from mokmin.web.accounts.rules import has_role, is_authenticated, is_sysadmin

is_steward = has_role(Role.DATA_STEWARD)
is_analyst = has_role(Role.ANALYST)


@rules.predicate
def may_explore(user, dataset) -> bool:
    if dataset is None:
        return bool(user.is_authenticated)
    if dataset.sensitivity == "personal":
        return user.is_authenticated and (user.has_role(Role.ANALYST) or user.has_role(Role.DATA_STEWARD)
                                          or user.has_role(Role.SYSADMIN))
    return bool(user.is_authenticated)


@rules.predicate
def in_owner_department(user, dataset) -> bool:
    """The user works in the dataset's owning department or in one of its teams."""
    if dataset is None or dataset.owner_id is None or not user.is_authenticated:
        return False
    department = getattr(user, "department", None)
    chain = [department, *department.ancestors()] if department is not None else []
    return any(d.pk == dataset.owner_id for d in chain)


PERMISSIONS = {
    "datahub.view_catalog": is_authenticated,
    "datahub.upload": is_steward | is_sysadmin,
    "datahub.explore": may_explore | is_sysadmin,
    "datahub.analyse": may_explore | in_owner_department | is_sysadmin,
    "datahub.manage": is_steward | is_sysadmin,
}
