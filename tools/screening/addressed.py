"""Whether the record shows a red flag was addressed, and how.

A flag is addressed when a valid clearance, co-management or awareness trigger reaches one
of its mentions in the same sentence (or, for entries whose flag calls for it, a
documented modification of technique does), or when a clearance sentence anywhere in the
record names who addresses that flag ("Oncologist cleared patient for massage" for a
history of cancer written in another field). A clearance that names nobody addresses
nothing elsewhere: the record must connect the two.
"""

from __future__ import annotations

from tools.screening.context import Trigger
from tools.screening.engine import FieldText, Mention
from tools.screening.rules import Rule, RuleSet
from tools.sentences import Span

Clearance = tuple[FieldText, list[Trigger]]


def clearances(fields: list[FieldText], rules: RuleSet) -> list[Clearance]:
    """Sentences anywhere in the record with a valid clearance or co-management trigger.

    None at all where the record also says a clearance is missing or a physician is
    unaware ("PCP not informed of the massage plan", "clearance pending"): the record
    then does not connect a clearance elsewhere to every flag, and only a clearance in
    the flag's own sentence counts.
    """
    category = next((c for c in rules.context.categories if c.name == "addressed"), None)
    if category is None:
        return []
    if category.pseudo is not None and any(
        category.pseudo.search(text.norm, text.low, words=text.words) for text in fields
    ):
        return []
    found = []
    for text in fields:
        for sentence in text.spans:
            if not any(
                m.search(text.norm, text.low, sentence.start, sentence.end, text.words)
                for _, m in category.directions
            ):
                continue
            triggers = text.context(sentence).addressed_triggers()
            if triggers:
                found.append((text, triggers))
    return found


def addressed_how(rule: Rule, found: list[Mention], cleared: list[Clearance]) -> str | None:
    """The words that address the flag (e.g. "cleared for massage"), or None."""
    if rule.entry.addressed_code is None:
        return None
    for mention in found:
        if mention.addressing is not None:
            return mention.addressing.text
    if rule.addressed_by is None:
        return None
    for text, triggers in cleared:
        for trigger in triggers:
            scope = trigger.scope
            for span in rule.addressed_by.spans(
                text.norm, text.low, scope.start, scope.end, text.words
            ):
                if trigger.reaches(Span(*span)):
                    return trigger.text
    return None
