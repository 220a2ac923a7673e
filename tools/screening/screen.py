"""Entry point: every text-based finding for a case (contraindications, flags, purposes).

The engine judges each mention in its sentence; this module adds what only the whole
case can say: whether a plan uses heat or cold (modality lists apply only then), whether
any stated purpose is therapeutic (wellness needs none to be), which flags the record
shows as addressed (a clearance may sit in another sentence or field, naming the
specialist), and which entries follow an addressed flag (cancer, osteoporosis, ...
become relative contraindications once cleared). Then one finding per (code, rule), in
a stable order, each quoting its sentence.
"""

from __future__ import annotations

from collections.abc import Sequence

from tools.case import Case
from tools.findings import Finding
from tools.screening.addressed import addressed_how, clearances
from tools.screening.engine import DROPPING, Document, FieldText, Mention, mentions
from tools.screening.explain import elsewhere, finding_for, ordered
from tools.screening.fields import Facts, TextField, case_facts, case_texts, reads
from tools.screening.regions import Treated
from tools.screening.rules import Rule, RuleSet, rule_set
from tools.sentences import Span

_NOT_IN_PLAN = DROPPING | {"historical", "resolved", "other_person"}


def screen_case(case: Case, document: Document | None = None) -> list[Finding]:
    """Every text-based finding for the case, in a stable order, de-duplicated per (code, rule).

    `document`: the case's texts already read (`Document.read`), shared with other readers.
    """
    if document is None:
        return screen_texts(case_texts(case), case_facts(case))
    return screen_document(document)


def screen_texts(texts: Sequence[TextField], facts: Facts | None = None) -> list[Finding]:
    """Screen free texts given by field path: the engine behind `screen_case`."""
    return screen_document(Document.read(texts, facts or Facts()))


def screen_document(document: Document) -> list[Finding]:
    """Screen a case's texts, read once into a document."""
    rules = rule_set()
    fields = document.fields
    facts = fields[0].facts if fields else Facts()
    modalities = _active_modalities(fields, facts, rules)
    therapeutic = _therapeutic_purposes(fields, rules)
    treated = rules.regions.treated(facts.regions)
    hits = [
        (rule, found)
        for rule in rules.rules
        if _applies(rule, facts, modalities, therapeutic)
        and (found := _hits(rule, document, rules, treated))
    ]
    cleared = clearances(fields, rules)
    findings = []
    addressed: dict[str, tuple[Mention, str]] = {}
    for rule, found in hits:
        how = addressed_how(rule, found, cleared)
        code = rule.entry.code
        if how is not None and rule.entry.addressed_code is not None:
            code = rule.entry.addressed_code
            addressed[rule.entry.id] = (found[0], how)
        finding = finding_for(rule, found[0], code, how, modalities, rules, treated)
        findings.append((found[0], finding))
    for rule in rules.rules:
        target = rule.entry.only_with_addressed
        if target in addressed:
            mention, how = addressed[target]
            finding = finding_for(rule, mention, rule.entry.code, how, modalities, rules, treated)
            findings.append((mention, finding))
    return ordered(_without_subsumed(findings, rules))


def _without_subsumed(
    findings: list[tuple[Mention, Finding]], rules: RuleSet
) -> list[tuple[Mention, Finding]]:
    """Drop findings whose entry is covered by another raised entry (`subsumed_by`)."""
    raised = {finding.rule for _, finding in findings}
    entries = {rule.entry.id: rule.entry for rule in rules.rules}
    return [
        (mention, finding)
        for mention, finding in findings
        if not set(entries[finding.rule].subsumed_by) & raised
    ]


def _applies(rule: Rule, facts: Facts, modalities: dict[str, str], therapeutic: bool) -> bool:
    entry = rule.entry
    if entry.only_with_addressed is not None:
        return False
    if entry.submission is not None and entry.submission != facts.submission:
        return False
    if rule.modality is not None and rule.modality not in modalities:
        return False
    return not (entry.unless_therapeutic_purpose and therapeutic)


def _field_ok(rule: Rule, text: FieldText, rules: RuleSet, treated: Treated) -> bool:
    if rule.unless is not None and rule.unless.search(text.norm, text.low, words=text.words):
        return False
    if not rule.entry.same_condition:
        return True
    same = rules.same_condition and rules.same_condition.search(
        text.norm, text.low, words=text.words
    )
    return bool(same) or rules.regions.same_region(text.norm, treated) is not None


def _near(rule: Rule, mention: Mention, treated: Treated) -> bool:
    if not rule.entry.near_treated_region:
        return True
    s = mention.sentence
    return bool(treated.near and treated.near.search(mention.text.norm, s.start, s.end))


def _hits(rule: Rule, document: Document, rules: RuleSet, treated: Treated) -> list[Mention]:
    checked: dict[int, bool] = {}
    found = []
    for mention in mentions(rule, document):
        index = mention.text.index
        if index not in checked:
            checked[index] = _field_ok(rule, mention.text, rules, treated)
        if checked[index] and mention.counts and _near(rule, mention, treated):
            if rule.elsewhere == "skip" and elsewhere(mention, rules, treated):
                continue
            found.append(mention)
    return found


def _affirmed_in(text: FieldText, span: Span, excluded: frozenset[str]) -> bool:
    sentence = text.sentence_at(span.start)
    if sentence is None:
        return False
    context = text.context(sentence)
    return not context.inert(span.start) and not context.modifiers(span) & excluded


def _active_modalities(fields: list[FieldText], facts: Facts, rules: RuleSet) -> dict[str, str]:
    """Modalities the plan uses, each with how the record shows it ("CPT 97010", "moist heat")."""
    active = {}
    for name, modality in rules.modalities.items():
        codes = sorted(set(facts.cpt_codes) & modality.cpt)
        if codes:
            active[name] = "CPT " + ", ".join(codes)
            continue
        for text in fields:
            if modality.terms is None or not reads(modality.fields, text.field.base):
                continue
            for start, end in modality.terms.spans(text.norm, text.low):
                if _affirmed_in(text, Span(start, end), _NOT_IN_PLAN):
                    active[name] = text.field.text[start:end]
                    break
            if name in active:
                break
    return active


def _therapeutic_purposes(fields: list[FieldText], rules: RuleSet) -> bool:
    """Whether any stated plan purpose is one of the five of Medically Necessary 1."""
    for text in fields:
        if text.field.base != "plan.purpose":
            continue
        for _, matcher in rules.therapeutic:
            spans = matcher.spans(text.norm, text.low)
            if any(_affirmed_in(text, Span(*span), DROPPING) for span in spans):
                return True
    return False
