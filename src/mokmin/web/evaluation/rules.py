"""Who may do what with evaluation sessions.

- Every staff member opens the evaluation pages (the sessions they sit on).
- Running a session (creating it, naming the committee, opening it once every key is registered, publishing the
  result, watching the log's checkpoints and the witnesses' answers) belongs to the evaluation administrators:
  knowledge managers and system administrators, who already run the proposal office (심사 is a stage of it).
- Declaring conflicts, scoring, revealing and signing belong to the session's committee members only; a
  session's page is for its members and its administrators. The result page is public once published.
"""

from __future__ import annotations

import rules

from mokmin.web.accounts.rules import is_authenticated, is_knowledge_manager, is_sysadmin

runs_evaluations = is_knowledge_manager | is_sysadmin


@rules.predicate
def is_member(user, session) -> bool:
    if session is None or not getattr(user, "is_authenticated", False):
        return False
    return session.members.filter(user=user).exists()


PERMISSIONS = {
    "evaluation.view": is_authenticated,
    "evaluation.manage": runs_evaluations,
    "evaluation.view_session": is_member | runs_evaluations,
    "evaluation.evaluate": is_member,
}
