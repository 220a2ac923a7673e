"""Run every deterministic check on a case and let the policy recommend.

This is the tools' whole public job in one call: case in, recommendation (outcome,
dosage, findings) out. Citations and prose are added by the agent.
"""

from __future__ import annotations

from tools.case import Case
from tools.determination import Recommendation
from tools.documentation import (
    goal_findings,
    no_functional_deficit_findings,
    outcome_documentation_findings,
    practitioner_findings,
    self_care_findings,
)
from tools.dosage import frequency_findings, trial_length_findings
from tools.findings import Code, Finding
from tools.policy import recommend
from tools.progress import continuation_findings
from tools.screening import screen_case


def all_findings(case: Case) -> list[Finding]:
    """Every finding the tools raise for a case, screening first (safety before paperwork)."""
    findings = list(screen_case(case))
    findings += practitioner_findings(case)
    findings += no_functional_deficit_findings(case)
    progress = continuation_findings(case)
    findings += progress
    improved = any(f.code is Code.SIGNIFICANT_IMPROVEMENT for f in progress)
    findings += trial_length_findings(case)
    findings += frequency_findings(case, improved)
    findings += goal_findings(case)
    findings += outcome_documentation_findings(case)
    findings += self_care_findings(case)
    return findings


def review_case(case: Case) -> Recommendation:
    """The tools' recommended determination for one case."""
    return recommend(case, all_findings(case))
