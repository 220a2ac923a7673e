"""Building the index: real Chroma in a temp folder, incremental, safe on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus.ingest import build_index
from corpus.retrieval import Retriever
from corpus.sources import SourceError
from corpus.store import IndexCorrupt, index_dir, open_collection

GUIDE_A = """# CPG 900 Revision 2 - Example guideline

## Heat

Heat packs are contraindicated over areas of impaired sensation.

## Cold

Cold packs are contraindicated in Raynaud phenomenon.
"""

GUIDE_B = """# UM 12 Example

## Reviews

Reviews are completed within seven calendar days.
"""


def _quiet(_: str) -> None:
    pass


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "a.md").write_text(GUIDE_A, encoding="utf-8")
    (folder / "b.md").write_text(GUIDE_B, encoding="utf-8")
    return folder


def _count(home: Path) -> int:
    return open_collection(index_dir(home)).count()


def test_when_built_then_passages_are_searchable(tmp_path, sources):
    report = build_index(tmp_path / "home", sources, _quiet)
    assert report.added == ["a.md", "b.md"]
    hits = Retriever(tmp_path / "home").search("Raynaud cold", k=1)
    assert "Raynaud" in hits[0].chunk.text
    assert hits[0].chunk.doc_key == "cpg900"


def test_when_rerun_on_unchanged_sources_then_nothing_is_written(tmp_path, sources):
    home = tmp_path / "home"
    build_index(home, sources, _quiet)
    manifest = (index_dir(home) / "manifest.json").stat().st_mtime_ns
    report = build_index(home, sources, _quiet)
    assert not report.changed
    assert report.embedded == 0
    assert (index_dir(home) / "manifest.json").stat().st_mtime_ns == manifest


def test_when_source_changes_then_only_it_is_reembedded_and_nothing_duplicates(tmp_path, sources):
    home = tmp_path / "home"
    first = build_index(home, sources, _quiet)
    (sources / "b.md").write_text(GUIDE_B.replace("seven", "fourteen"), encoding="utf-8")
    report = build_index(home, sources, _quiet)
    assert report.updated == ["b.md"]
    assert report.embedded == len([c for c in Retriever(home).chunks if c.doc_key == "um12"])
    assert _count(home) == first.passages
    assert "fourteen" in Retriever(home).search("calendar days reviews", k=1)[0].chunk.text


def test_when_source_removed_then_its_passages_go(tmp_path, sources):
    home = tmp_path / "home"
    build_index(home, sources, _quiet)
    (sources / "b.md").unlink()
    report = build_index(home, sources, _quiet)
    assert report.removed == ["b.md"]
    assert {c.doc_key for c in Retriever(home).chunks} == {"cpg900"}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "file is empty"),  # empty source
        ("blank.md", b"  \n\n ", "file is empty"),  # whitespace only
        ("binary.txt", b"\x00\x01\x02binary", "looks binary"),  # NUL bytes
        ("latin1.txt", "caf\xe9 fever".encode("latin-1"), "not UTF-8"),  # wrong encoding
        ("fake.pdf", b"hello, not a pdf", "not a PDF"),  # wrong content for .pdf
    ],
)
def test_when_source_bad_then_error_names_file_and_index_is_untouched(
    tmp_path, sources, name, content, message
):
    home = tmp_path / "home"
    build_index(home, sources, _quiet)
    before = (index_dir(home) / "manifest.json").read_text()
    (sources / name).write_bytes(content)
    with pytest.raises(SourceError) as error:
        build_index(home, sources, _quiet)
    assert name in str(error.value) and message in str(error.value)
    assert (index_dir(home) / "manifest.json").read_text() == before
    assert _count(home) == len(json.loads(before)["chunks"])


def test_when_source_unreadable_then_error_names_file(tmp_path, sources):
    (sources / "z.md").symlink_to(sources / "missing.md")  # a dangling link cannot be read
    with pytest.raises(SourceError, match=r"z\.md: file not found"):
        build_index(tmp_path / "home", sources, _quiet)


def test_when_sources_folder_missing_then_clear_error(tmp_path):
    with pytest.raises(SourceError, match="sources folder not found"):
        build_index(tmp_path / "home", tmp_path / "nowhere", _quiet)


@pytest.mark.parametrize(
    ("damage", "target"),
    [
        ("garbage-manifest", "manifest.json"),  # unparsable manifest
        ("no-manifest", "manifest.json"),  # half-written folder
        ("garbage-sqlite", "chroma"),  # damaged Chroma database
    ],
)
def test_when_index_corrupt_then_clear_error_and_nothing_overwritten(
    tmp_path, sources, damage, target
):
    home = tmp_path / "home"
    build_index(home, sources, _quiet)
    folder = index_dir(home)
    if damage == "garbage-manifest":
        (folder / "manifest.json").write_text("{not json")
    elif damage == "no-manifest":
        (folder / "manifest.json").unlink()
    else:
        (folder / "chroma" / "chroma.sqlite3").write_bytes(b"this is not sqlite" * 100)
    snapshot = sorted(p.name for p in folder.rglob("*"))
    with pytest.raises(IndexCorrupt) as error:
        Retriever(home) if damage == "garbage-sqlite" else build_index(home, sources, _quiet)
    assert target in str(error.value)
    assert sorted(p.name for p in folder.rglob("*")) == snapshot


def test_when_rebuild_then_corrupt_index_is_replaced(tmp_path, sources):
    home = tmp_path / "home"
    build_index(home, sources, _quiet)
    (index_dir(home) / "manifest.json").write_text("{not json")
    report = build_index(home, sources, _quiet, rebuild=True)
    assert report.changed and Retriever(home).search("heat packs", k=1)


def test_when_pdf_source_then_pages_come_from_the_pdf(tmp_path):
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    folder = tmp_path / "sources"
    folder.mkdir()
    pdf = canvas.Canvas(str(folder / "guide.pdf"), pagesize=letter)
    pdf.drawString(72, 720, "CPG 777 Revision 3 - Sample")
    pdf.drawString(72, 700, "Massage is contraindicated over a fresh burn.")
    pdf.showPage()
    pdf.drawString(72, 720, "Lymphedema requires reduced pressure and short sessions.")
    pdf.showPage()
    pdf.save()
    build_index(tmp_path / "home", folder, _quiet)
    hits = Retriever(tmp_path / "home").search("lymphedema pressure", k=1)
    assert hits[0].chunk.doc_key == "cpg777"
    assert hits[0].chunk.page == 2
