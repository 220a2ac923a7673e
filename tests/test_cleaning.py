"""Cleaning guideline text: noise out, structure back, every passage on its real page.

Page numbers are what citations quote, so most rows here pin a passage to the page it
is on in CPG 167 (read off the raw extraction: footers, headers, line-number restarts
and the table of contents). Rows marked "no footer" are on pages whose footer the
extraction lost, where the page had to be inferred.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from corpus.cleaning import (
    Block,
    Section,
    check_toc,
    clean_markdown,
    clean_pdf_text,
    pages_from_pdf_pages,
)
from corpus.noise import strip_line_numbers, table_of_contents

SOURCE = Path(__file__).resolve().parents[1] / "corpus" / "sources"
CPG_167 = SOURCE / "cpg-167-therapeutic-massage.txt"

TOP = "THERAPEUTIC PROCEDURES AND MODALITIES"
CONTRA = (TOP, "Relative and Absolute Contraindications")
RED_FLAGS = ("CLINICAL REVIEW PROCESS", "General Factors", "Assessment of Red Flags")
ADVERSE = (
    "CLINICAL REVIEW PROCESS",
    "Factors that Influence Adverse Determinations of Clinical Services "
    "(Partial Approvals/Denials)",
    "Additional Factors Considered in Determination of Medical Necessity",
)


@pytest.fixture(scope="module")
def raw() -> str:
    return CPG_167.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sections(raw: str) -> list[Section]:
    return clean_pdf_text(raw)


def locate(sections: list[Section], quote: str) -> tuple[Section, Block]:
    """The first block whose text contains `quote`, with its section."""
    for section in sections:
        for block in section.blocks:
            if quote in block.text:
                return section, block
    raise AssertionError(f"no block contains {quote!r}")


def all_text(sections: list[Section]) -> list[str]:
    return [s.path[-1] for s in sections if s.path] + [b.text for s in sections for b in s.blocks]


NOISE = [
    pytest.param(r"Revision 14", id="running-header-revision"),
    pytest.param(r"\bCQT\b", id="approval-history-cqt"),
    pytest.param(r"\bQOC\b", id="approval-history-qoc"),
    pytest.param(r"MA-UMC", id="approval-history-ma-umc"),
    pytest.param(r"QIC reviewed", id="approval-history-qic"),
    pytest.param(r"Revised – October", id="running-header-revised-date"),
    pytest.param(r"Page \d+ of 32", id="page-footer"),
    pytest.param(r"^[\d\s.]+$", id="bare-number-line"),
    pytest.param(r"[•·\uf0b7\uf0a7]", id="bullet-glyph"),
    pytest.param(r"^(?:o|0|-) ", id="bullet-marker-left-in-text"),
    pytest.param(r"Рада", id="cover-page-garbage"),
    pytest.param(r"TABLE OF CON|CTRL\+Click|Ciiiicai", id="garbled-cover-contents"),
    pytest.param(r"27 Cysts", id="line-number-glued-before-item"),
    pytest.param(r"State 3 regulation", id="line-number-glued-mid-sentence"),
    pytest.param(r"need 9 for services", id="line-number-glued-mid-sentence-2"),
    pytest.param(r"addition 1 to ongoing", id="line-number-glued-page-18"),
    pytest.param(r"^\d{1,2} [A-Z]", id="line-number-glued-before-heading"),
    pytest.param(r"plan of earc|megrative|icv\. cd\.", id="garbled-copy-of-line-above"),
    pytest.param(r"^/ benefits", id="garbled-tail-fragment"),
    pytest.param(r"\*|<u>|</i>", id="markdown-emphasis-and-tags"),
    pytest.param(r"\t|  ", id="tabs-or-double-spaces"),
]


@pytest.mark.parametrize("pattern", NOISE)
def test_when_cpg167_cleaned_then_no_noise_survives(sections: list[Section], pattern: str) -> None:
    hits = [t for t in all_text(sections) if re.search(pattern, t, flags=re.MULTILINE)]
    assert hits == []


PAGES = [
    ("American Specialty Health – Specialty (ASH) contracts", 2),  # after the page-2 header
    ("Care approved through medical necessity review", 3),  # no footer
    ("For the benefit of patients, the review process approves", 3),  # no footer
    ("Therapeutic massage is considered medically necessary when", 4),  # no footer
    ("Restoring muscle function", 4),  # no footer; known fact
    ("Duplicative of other modalities/services received", 4),  # no footer
    ("Examples of elective/convenience services include", 5),  # glued "3": line 3 of page 5
    ("symptoms is less than six weeks in duration", 5),  # "Acute", just above footer 5
    ("greater than six weeks, but not greater than twelve weeks", 6),  # after header
    ("Pertinent health history", 7),
    ("defines a modality as", 8),  # footer 7 with no header after it
    ("Acute flare-up of inflammatory arthritis", 9),
    ("Highly metastatic cancers", 9),  # known fact
    ("Significant fever (>101.5 degrees F)", 9),  # known fact
    ("Pitting edema", 10),  # known fact; tab-numbered page
    ("Epilepsy", 10),  # known fact
    ("Large scars", 11),
    ("Description of symptoms", 12),  # after the header glued on one line
    ("The practitioner re-assesses the patient", 12),  # contents: Re-assessment 12
    ("Medical necessity evaluations require approaching", 13),  # contents: 13
    ("Treatment plan requires the skills of the practitioner", 14),
    ("The complexity and/or severity of historical factors", 15),  # contents: 15
    ("Health equity is the attainment", 16),
    ("Multiple patient-specific historical and clinical findings", 17),  # contents: 17
    ("Personal or family history of cancer", 18),  # known fact: red-flag history list
    ("Prolonged corticosteroid use", 18),
    ("Complaint inconsistent with reported mechanism", 19),  # no footer
    ("Saddle anesthesia", 19),  # no footer
    ("Signs and symptoms that do not fit the normal pattern", 19),  # no footer
    ("When yellow flags are present", 20),  # restart "5 6 7": 4 lines above are page 20
    ("The absence or presence of co-morbid condition(s)", 21),
    ("Factors that influence adverse determinations of clinical", 22),  # contents: 22
    ("Not all of the patient's presenting complaints were properly", 23),
    ("The treatment time (in minutes)", 24),  # no footer
    ("The submitted records show that the nature and severity", 24),  # no footer
    ("The condition requires an appropriate referral", 25),  # page starts at a lone header
    ("There is evidence of the presence of Yellow and/or Red Flags", 26),
    ("When a potential health and safety issue is identified", 26),  # contents: 26
    ("Agency for Healthcare Research and Quality", 26),  # contents: References 26
    ("Andrade C, Clifford P.", 27),
    ("Chou R, Deyo R", 28),  # no footer
    ("Imai, N., Ito, T.", 28),  # no footer
    ("Kjaer P, Kongsted A", 29),  # no footer; glued "1" restarts the column
    ("De Vries, G., Lawson, E.", 29),  # no footer
    ("Mao, J. J., Ismaila, N.", 30),  # glued "1" restarts the column
    ("Perlman, A., Fogerite", 31),
    ("Ughreja, R. A.", 32),  # last page, no footer
    ("Wu Z, Wang Y", 32),  # last page, no footer
]


@pytest.mark.parametrize(("quote", "page"), PAGES)
def test_when_passage_located_then_it_starts_on_its_real_page(
    sections: list[Section], quote: str, page: int
) -> None:
    _, block = locate(sections, quote)
    assert block.page == page


SPANS = [
    ("American Specialty Health (ASH) has implemented", (2, 3)),  # sentence over footer 2
    ("scope of practice includes soft tissue manipulation", (6, 7)),  # over footer + header
    ("impede optimal functioning and refer patients", (7, 8)),
    ("deep transverse friction, and trigger point techniques", (8, 9)),
    ("licensed massage therapists is the Numeric Pain Rating Scale", (12, 13)),  # header glued
    ("clinical status and assess the effectiveness", (15, 16)),
    ("treatment/service, and/or referral", (17, 18)),
    ("Ann Intern Med,155(1):1-9.", (27, 28)),  # reference finished after the page break
    ("Highly metastatic cancers", (9,)),  # one page only
]


@pytest.mark.parametrize(("quote", "pages"), SPANS)
def test_when_paragraph_crosses_a_page_break_then_it_is_one_block_on_both_pages(
    sections: list[Section], quote: str, pages: tuple[int, ...]
) -> None:
    _, block = locate(sections, quote)
    assert block.pages == pages
    assert block.page == pages[0]


PATHS = [
    ("Restoring muscle function", ("GUIDELINES", "Medically Necessary")),
    ("Provided as maintenance care", ("GUIDELINES", "Not Medically Necessary")),
    (
        "symptoms is less than six weeks",
        ("GUIDELINES", "Definitions of Key Terminology used in Clinical Reviews", "Acute"),
    ),
    ("Cysts", (*CONTRA, "Local absolute contraindications include the following:")),
    ("Highly metastatic cancers", (*CONTRA, "General Absolute Contraindications")),
    ("Pitting edema", (*CONTRA, "Local Relative Contraindications")),
    ("Epilepsy", (*CONTRA, "General Relative Contraindications")),
    (
        "Cold intolerance",
        (
            TOP,
            "Precautions and Contraindications to Therapeutic Modalities and Procedures",
            "Cryotherapy",
        ),
    ),
    ("The practitioner re-assesses", ("DOCUMENTATION GUIDELINES", "Re-assessment")),
    (
        "Occurs when only a portion",
        ("CLINICAL REVIEW PROCESS", "Clinical Review for Medical Necessity", "Partial Approval"),
    ),
    ("Personal or family history of cancer", (*RED_FLAGS, "Past or Current History")),
    ("Writhing or cramping pain", (*RED_FLAGS, "Present Complaint")),
    ("Fever, chills, or sweats", (*RED_FLAGS, "Physical Assessment")),  # glyph-less list
    (
        "Saddle anesthesia",
        (*RED_FLAGS, "Pattern of Symptoms Not Consistent with Benign Disorder"),
    ),
    (
        "When yellow flags are present",
        ("CLINICAL REVIEW PROCESS", "General Factors", "Assessment of Yellow Flags"),
    ),
    (
        "Trauma resulting in significant injury",
        ("CLINICAL REVIEW PROCESS", "General Factors", "History"),
    ),  # heading glued to "23"
    (
        "The patient has little, or no pain",
        (*ADVERSE, "History / Complaints / Patient Reported Outcome Measures"),  # split line
    ),
    ("The diagnosis is not supported", (*ADVERSE, "Diagnosis")),
    (
        "Symptoms worsening following treatment",
        ("CLINICAL REVIEW PROCESS", "Referral / Coordination of Services"),
    ),
    ("Kjaer P, Kongsted A", ("REFERENCES",)),
]


@pytest.mark.parametrize(("quote", "path"), PATHS)
def test_when_passage_located_then_its_heading_path_is_right(
    sections: list[Section], quote: str, path: tuple[str, ...]
) -> None:
    section, _ = locate(sections, quote)
    assert section.path == path


def section_named(sections: list[Section], leaf: str) -> Section:
    return next(s for s in sections if s.path and s.path[-1] == leaf)


LISTS = [
    # (section, expected top-level items) — bulleted, glyph-less and column-numbered lists
    (
        "General Absolute Contraindications",
        [
            "Acute conditions requiring medical attention (e.g., coma, anaphylaxis, seizure)",
            "Advanced kidney failure",
            "Highly metastatic cancers",
            "Sepsis",
            "Significant fever (>101.5 degrees F)",
            "Unstable cerebrovascular accident",
            "Unstable hypertension or myocardial infarction",
        ],
    ),
    (
        "Local absolute contraindications include the following:",
        [
            "Acute flare-up of inflammatory arthritis",
            "Aneurysms",
            "Cysts",
            "Contagious skin conditions",
            "Infections",
            "Cancer",
            "Phlebitis, thrombophlebitis, arteritis",
        ],
    ),
    (
        "Local Relative Contraindications",  # page 10: glyphs lost, tab line numbers
        [
            "Acute disk herniation",
            "Acute inflammation",
            "Anti-inflammatory injection site",
            "Chronic arthritic conditions",
            "Chronic or longstanding superficial thrombosis",
            "Contusion",
            "Flaccid paralysis",
            "Joint instability or hypermobility",
            "Pitting edema",
        ],
    ),
]


@pytest.mark.parametrize(("leaf", "items"), LISTS)
def test_when_list_cleaned_then_each_item_is_a_separate_list_item(
    sections: list[Section], leaf: str, items: list[str]
) -> None:
    blocks = section_named(sections, leaf).blocks
    assert [b.text for b in blocks] == items
    assert {(b.kind, b.level) for b in blocks} == {("list_item", 1)}


def test_when_item_has_sub_items_then_they_nest_at_level_two(sections: list[Section]) -> None:
    blocks = section_named(sections, "Medically Necessary").blocks
    texts = [b.text for b in blocks]
    first = texts.index("1. When therapeutic massage is performed for the purpose of")
    purposes = blocks[first + 1 : first + 6]
    assert [b.text for b in purposes] == [
        "Restoring muscle function",
        "Reducing edema",
        "Improving joint motion",
        "Relieving muscle spasm",
        "Restoring or improving physical function",
    ]
    assert [b.level for b in purposes] == [2] * 5
    assert blocks[first].level == 1
    assert blocks[first + 6].text.startswith("2. Services are delivered")


def test_when_item_wraps_onto_next_line_then_it_is_rejoined(sections: list[Section]) -> None:
    texts = [b.text for b in section_named(sections, "General Relative Contraindications").blocks]
    assert (
        "Patient taking medications that alter neurological, cardiovascular, "
        "psychological, or kidney function"
    ) in texts
    assert "kidney function" not in texts


def test_when_word_broken_by_a_tab_then_it_is_rejoined(sections: list[Section]) -> None:
    _, block = locate(sections, "Is sufficient to determine the medical necessity")
    assert block.kind == "list_item"
    assert block.page == 12


def test_when_misread_column_looks_like_bullets_then_paragraph_is_rebuilt(
    sections: list[Section],
) -> None:
    blocks = section_named(sections, "Elective/Convenience Services").blocks
    assert blocks[0].kind == "paragraph"
    assert blocks[0].text == (
        "Examples of elective/convenience services include: (a) preventive services; "
        "(b) wellness services; (c) services not necessary to return the patient to "
        "pre-illness/pre-injury functional status and level of activity; (d) services "
        "provided after the patient has reached MTB."
    )


REAL_NUMBERS = [
    ("Significant fever (>101.5 degrees F)", "decimal in a list item"),
    ("Therapeutic Massage (CPT® 97124)", "procedure code in a heading"),
    ("generally up to 4 weeks", "small number inside a sentence"),
    ("over a reasonable period of time (up to 4 weeks)", "small number in parentheses"),
    ("1. Duplicative of other modalities/services received.", "numbered list item"),
    ("Five domains: 1) Economic stability; 2) Education", "enumeration in prose"),
    ("greater than 4.5 kg/10 lbs. over 6-month period", "units"),
    ("(e.g., >3 for spinal conditions)", "comparison"),
    ("A comparison of the effects of 2 types of massage", "small number in a reference"),
    ("2017 Apr 4;166(7):493-505", "citation volume and pages"),
    ("Fritz (2008) states medical/clinical massage", "year kept, glued line number cut"),
    ("Pain Medicine, 17(9), 1757-1772.", "reference in the tab-numbered column"),
]


@pytest.mark.parametrize(("quote", "what"), REAL_NUMBERS)
def test_when_numbers_are_real_text_then_they_survive(
    sections: list[Section], quote: str, what: str
) -> None:
    assert any(quote in text for text in all_text(sections)), what


def test_when_contents_lists_a_section_then_its_page_agrees(
    raw: str, sections: list[Section]
) -> None:
    toc = table_of_contents(raw)
    assert len(toc) == 10
    assert check_toc(sections, toc) == []


def test_when_cleaned_twice_then_output_is_identical(raw: str, sections: list[Section]) -> None:
    assert clean_pdf_text(raw) == sections


def test_when_blocks_built_then_page_is_first_of_sorted_pages(sections: list[Section]) -> None:
    for section in sections:
        for block in section.blocks:
            assert block.pages == tuple(sorted(set(block.pages)))
            assert block.page == block.pages[0]
            assert (block.level > 0) == (block.kind == "list_item")
        assert section.page <= min((b.page for b in section.blocks), default=section.page)


def test_when_cover_page_is_a_garbled_contents_then_it_is_dropped(
    sections: list[Section],
) -> None:
    assert sections[0].path == ("OVERVIEW",)
    assert sections[0].page == 2
    assert min(b.page for s in sections for b in s.blocks) == 2


GLUED = [
    ("3 Examples of services", "Examples of services", [3]),  # column before the text
    ("text here. 13", "text here.", [13]),  # column after the text
    ("states 1 medical ... State 3 regulation", "states medical ... State regulation", [1, 3]),
    ("generally up to 4 weeks", "generally up to 4 weeks", []),  # lone, with a unit
    ("effects of 2 types of massage", "effects of 2 types of massage", []),
    ("practitioners 10 11 provide", "practitioners provide", [10, 11]),
    ("CPT® 97124", "CPT® 97124", []),  # too big to be a line number
]


@pytest.mark.parametrize(("text", "clean", "numbers"), GLUED)
def test_when_line_numbers_glued_into_text_then_only_they_are_cut(
    text: str, clean: str, numbers: list[int]
) -> None:
    assert strip_line_numbers(text)[:2] == (clean, numbers)


HEADER = """CPG 42 Revision 3 - S
Hand Therapy Medical Policy/Guideline Revised – March 1, 2024
To CQT for review 01/02/2024
CQT reviewed 01/02/2024"""

SYNTHETIC_TWO_PAGES = f"""{HEADER}

OVERVIEW

1 2

Hand therapy restores function after injury of the hand.

3 4 5

The plan of care is reviewed when

Page 1 of 2

{HEADER}

the patient stops improving 1 or at 2 regular intervals.

3

Warning Signs

• Fever above 101.5 degrees F
o with chills
- 6 Numbness
"""


def test_when_small_two_page_extraction_cleaned_then_noise_goes_and_pages_stay() -> None:
    sections = clean_pdf_text(SYNTHETIC_TWO_PAGES)
    assert [(s.path, s.page) for s in sections] == [
        (("OVERVIEW",), 1),
        (("OVERVIEW", "Warning Signs"), 2),
    ]
    overview, signs = sections
    assert [(b.text, b.pages) for b in overview.blocks] == [
        ("Hand therapy restores function after injury of the hand.", (1,)),
        (
            "The plan of care is reviewed when the patient stops improving or at regular "
            "intervals.",
            (1, 2),
        ),
    ]
    assert [(b.kind, b.text, b.level, b.page) for b in signs.blocks] == [
        ("list_item", "Fever above 101.5 degrees F", 1, 2),
        ("list_item", "with chills", 2, 2),
        ("list_item", "Numbness", 1, 2),
    ]


WORDS = [
    "alpha",
    "bravo",
    "charlie",
    "delta",
    "echo",
    "foxtrot",
    "golf",
    "hotel",
    "india",
    "juliet",
    "kilo",
    "lima",
    "mike",
    "november",
    "oscar",
    "papa",
    "quebec",
    "romeo",
    "sierra",
    "tango",
]


def _page(number: int | None, lines: list[str]) -> str:
    """A synthetic extracted page: lines with the line-number column glued on the end,
    blank lines between, and a footer unless `number` is None (a lost footer)."""
    body = "\n\n".join(f"{text} {n}" for n, text in enumerate(lines, start=1))
    return body if number is None else f"{body}\n\nPage {number} of 3"


def test_when_a_footer_is_missing_then_the_line_number_restart_places_the_break() -> None:
    page1 = _page(1, [f"{w.title()} is on page one." for w in WORDS])
    page2 = _page(None, [f"{w.title()} is on page two." for w in WORDS])
    page3 = _page(3, ["The last page has one sentence."])
    sections = clean_pdf_text("\n\n".join([page1, page2, page3]))
    pages = {b.text: b.page for s in sections for b in s.blocks}
    assert len(pages) == 41
    assert pages["Tango is on page one."] == 1
    assert pages["Alpha is on page two."] == 2
    assert pages["Tango is on page two."] == 2
    assert pages["The last page has one sentence."] == 3


STAGE = "The stage of an injury, illness, or disease in which signs and symptoms last less than"


def test_when_pdf_read_page_by_page_then_pages_are_taken_as_given() -> None:
    pages = [
        f"{HEADER}\nDEFINITIONS\n\n1 2 3\n\nAcute\n\n{STAGE}",
        f"{HEADER}\nsix weeks in duration.\n\nPage 2 of 3\n\n- Pain\n- Swelling",
    ]
    sections = pages_from_pdf_pages(pages)
    assert [s.path for s in sections] == [("DEFINITIONS",), ("DEFINITIONS", "Acute")]
    blocks = sections[1].blocks
    assert [(b.text, b.pages) for b in blocks] == [
        (f"{STAGE} six weeks in duration.", (1, 2)),
        ("Pain", (2,)),
        ("Swelling", (2,)),
    ]


MARKDOWN = """# Guideline

Intro text that
wraps onto a second line.

## Contraindications
- Fever
  - above 101.5 F
1. Sepsis

<!-- page 3 -->
## Referral
Refer **urgently** when [red flags](#red) appear.
"""


def test_when_markdown_cleaned_then_hashes_give_paths_and_markers_give_pages() -> None:
    sections = clean_markdown(MARKDOWN)
    assert [(s.path, s.page) for s in sections] == [
        (("Guideline",), 1),
        (("Guideline", "Contraindications"), 1),
        (("Guideline", "Referral"), 3),
    ]
    intro, contra, referral = (s.blocks for s in sections)
    assert [b.text for b in intro] == ["Intro text that wraps onto a second line."]
    assert [(b.kind, b.text, b.level) for b in contra] == [
        ("list_item", "Fever", 1),
        ("list_item", "above 101.5 F", 2),
        ("list_item", "1. Sepsis", 1),
    ]
    assert [(b.text, b.page) for b in referral] == [
        ("Refer urgently when red flags appear.", 3),
    ]
