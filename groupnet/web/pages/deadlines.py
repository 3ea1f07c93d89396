"""The deadlines of a due-process case, as `procedure/group/discipline.py` computes them.

Pages show every deadline of a case to the member and to officers; the times
come from the discipline module's own functions, so the page and the rule
cannot disagree.
"""

from __future__ import annotations

from ...procedure.group import discipline
from ...procedure.group.discipline import Case


def of_case(case: Case) -> list[tuple[str, int]]:
    """(what, when) for each deadline the case has reached, in time order."""
    out: list[tuple[str, int]] = []
    if any(e.disclosed_at_ms is not None for e in case.evidence):
        out.append((f"reply window closes (standing order 7.1: {case.rules.reply_window_days} "
                    "days from the last disclosure)", discipline.reply_window_closes(case)))
    if case.hearing is not None:
        out.append((f"hearing (notice of at least {case.rules.hearing_notice_days} days, "
                    "standing order 7.2)", case.hearing.at_ms))
    if case.interim is not None:
        out.append(("interim suspension ends (standing order 7.6)",
                    discipline.interim_ends(case, case.interim)))
    if case.decision is not None:
        out.append((f"appeal window closes (standing order 7.4: "
                    f"{case.rules.appeal_window_days} days from the decision)",
                    discipline.appeal_closes(case)))
    return sorted(out, key=lambda item: item[1])
