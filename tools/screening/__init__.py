"""Text screening of a case under CPG 167: contraindications, red/yellow flags, purposes.

Checks are data (tools/data/screening/*.yaml) run by a small engine: terms find mentions,
ConText-style modifiers judge them in their sentence (negated, hypothetical, someone
else's, past, addressed), numeric readings are compared with thresholds, and each finding
quotes the exact sentence it rests on. Judgement calls are listed in
tools/data/screening/README.md.
"""

from tools.screening.fields import Facts, TextField
from tools.screening.rules import rule_set
from tools.screening.screen import screen_case, screen_texts

__all__ = ["Facts", "TextField", "rule_set", "screen_case", "screen_texts"]
