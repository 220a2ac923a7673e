"""Turning a judged mention into a Finding that explains itself, and ordering findings.

Design principle 3: a finding carries its code, the rule (entry id) that fired, the
exact sentence it rests on with its field path, the guideline section key, and a one-line
detail filled from the entry's template (the item, the words matched, the site for local
items, how a flag was addressed, how the plan shows a modality).
"""

from __future__ import annotations

from tools.findings import Code, Finding
from tools.screening.engine import Mention
from tools.screening.regions import Treated
from tools.screening.rules import Rule, RuleSet

_CODE_ORDER = {code: index for index, code in enumerate(Code)}


def elsewhere(mention: Mention, rules: RuleSet, treated: Treated | None) -> bool:
    """Whether the mention's sentence names a site and nothing at or near a treated region."""
    if treated is None or treated.near is None:
        return False
    s = mention.sentence
    if rules.regions.site(mention.text.norm, s.start, s.end) is None:
        return False
    return not treated.near.search(mention.text.norm, s.start, s.end)


def _label(rule: Rule, mention: Mention) -> str:
    """The entry's label, or the kind the matched words name (a drug class)."""
    matched = mention.matched.lower()
    for kind, words in rule.entry.kinds.items():
        if any(matched == word.lower() for word in words):
            return f"{kind}, counted as {rule.entry.label}"
    return rule.entry.label


def finding_for(
    rule: Rule,
    mention: Mention,
    code: Code,
    how: str | None,
    modalities: dict[str, str],
    rules: RuleSet,
    treated: Treated | None = None,
) -> Finding:
    """The finding a rule raises on its first counted mention."""
    addressed = code is not rule.entry.code and rule.addressed_detail
    template = rule.addressed_detail if addressed else rule.detail
    s = mention.sentence
    site = rules.regions.site(mention.text.norm, s.start, s.end) or "site not stated"
    if rule.elsewhere == "count" and elsewhere(mention, rules, treated):
        site = f"{site}, away from the treated area"
    detail = template.format(
        label=_label(rule, mention),
        match=mention.matched,
        site=site,
        field=mention.text.field.path,
        how=how or "",
        modality=modalities.get(rule.modality or "", ""),
    )
    return Finding(
        code=code,
        detail=detail,
        evidence=mention.text.evidence(s, mention.span),
        field=mention.text.field.path,
        rule=rule.entry.id,
        guideline_key=rule.entry.section,
    )


def ordered(findings: list[tuple[Mention, Finding]]) -> list[Finding]:
    """One finding per (code, rule): by code, then where its evidence is, then rule id."""
    findings.sort(
        key=lambda pair: (
            _CODE_ORDER[pair[1].code],
            pair[0].text.index,
            pair[0].span.start,
            pair[1].rule,
        )
    )
    seen: set[tuple[Code, str]] = set()
    unique = []
    for _, finding in findings:
        key = (finding.code, finding.rule)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique
