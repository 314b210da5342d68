"""Who may do what with proposals and debates.

- Every staff member sees the staff side (lists, proposal pages, stage history), proposes (공무원제안) and takes
  part in debates.
- The proposal office's work (assign a reviewing department, send to evaluation, decide, award, merge
  duplicates, link related proposals, open debates) belongs to knowledge managers and system administrators:
  the people who already run the knowledge workflow.
- 검토 and 실시 belong to the assigned department too: a member of its 과 (a team's member reviews what its
  division was given, as 부서 한정 works for knowledge), besides those who run the office.
- A citizen's name and contact are for those who review the proposal (unsealing is logged).
- A debate's moderator (or a system administrator) closes it and writes the summary.
"""

from __future__ import annotations

import rules

from mokmin.web.accounts.rules import is_authenticated, is_knowledge_manager, is_sysadmin
from mokmin.web.knowledge.rules import division_code

runs_proposals = is_knowledge_manager | is_sysadmin


@rules.predicate
def in_assigned_department(user, proposal) -> bool:
    if proposal is None or proposal.department_id is None or not getattr(user, "is_authenticated", False):
        return False
    mine = user.department
    if mine is None:
        return False
    if mine.pk == proposal.department_id:
        return True
    unit = division_code(proposal.department)
    return unit is not None and unit == division_code(mine)


@rules.predicate
def is_moderator(user, debate) -> bool:
    return debate is not None and getattr(user, "is_authenticated", False) and debate.moderator_id == user.pk


PERMISSIONS = {
    "proposals.view": is_authenticated,
    "proposals.submit": is_authenticated,
    "proposals.manage": runs_proposals,
    "proposals.review_proposal": in_assigned_department | runs_proposals,
    "proposals.view_contact": in_assigned_department | runs_proposals,
    "proposals.debate": is_authenticated,
    "proposals.open_debate": runs_proposals,
    "proposals.moderate_debate": is_moderator | is_sysadmin,
}
