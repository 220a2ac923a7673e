"""Guideline source files: finding them, reading them safely, and naming the document.

A guideline is added by dropping a file into the sources folder: text as extracted from
a PDF (`.txt`), Markdown (`.md`), or a PDF itself (`.pdf`, read with pypdf). Every
problem with a file (missing, empty, binary, unreadable) is a `SourceError` that names
the file, raised before anything is written to the index.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from corpus.chunking import Chunk, chunk_sections
from corpus.cleaning import Section, clean_markdown, clean_pdf_text, pages_from_pdf_pages

SUFFIXES = (".txt", ".md", ".pdf")
DOCUMENT_ID = re.compile(r"\b(CPG|UM|CR)\s*(\d{1,4})\b(?:\s+Revision\s+(\d+))?", re.IGNORECASE)
REVISED_ID = re.compile(r"\b(CPG|UM|CR)\s*(\d{1,4})\s+Revision\s+(\d+)", re.IGNORECASE)


class SourceError(ValueError):
    """A source file cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Source:
    """One guideline file, read and identified."""

    path: Path
    sha256: str
    doc_key: str
    document: str
    version: str
    sections: list[Section]

    def chunks(self) -> list[Chunk]:
        """The file's passages, chunked along its sections."""
        return chunk_sections(self.sections, doc_key=self.doc_key, document=self.document)


def default_sources_dir() -> Path:
    """The guideline files shipped with the project."""
    return Path(__file__).parent / "sources"


def discover(directory: Path) -> list[Path]:
    """Every source file in a folder, in name order (other files are ignored)."""
    if not directory.is_dir():
        raise SourceError(f"{directory}: sources folder not found")
    return sorted(
        p
        for p in directory.iterdir()
        if (p.is_file() or p.is_symlink()) and p.suffix.lower() in SUFFIXES
    )


def _read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise SourceError(f"{path}: file not found") from error
    except OSError as error:
        raise SourceError(f"{path}: cannot read ({error.strerror or error})") from error
    if not data.strip():
        raise SourceError(f"{path}: file is empty")
    return data


def _decode_text(path: Path, data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise SourceError(f"{path}: looks binary (NUL bytes), expected text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SourceError(f"{path}: not UTF-8 text (byte {error.start})") from error


def _pdf_pages(path: Path) -> list[str]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, OSError, ValueError) as error:
        raise SourceError(f"{path}: unreadable PDF ({error})") from error
    if not any(text.strip() for text in pages):
        raise SourceError(f"{path}: PDF has no extractable text (scanned image?)")
    return pages


def _identify(path: Path, text: str) -> tuple[str, str, str]:
    """(doc_key, document, version) from the text's own id line, else from the file name."""
    head = text[:5000]
    match = REVISED_ID.search(head) or DOCUMENT_ID.search(head)  # "CPG 167 Revision 14" first
    if match:
        prefix, number, revision = match.group(1).upper(), match.group(2), match.group(3)
        document = f"{prefix} {number}"
        version = f"{document} rev {revision}" if revision else document
        return f"{prefix.lower()}{number}", document, version
    slug = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "doc"
    return slug, path.stem, path.stem


def read_source(path: Path) -> Source:
    """Read, clean and identify one source file."""
    data = _read_bytes(path)
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        if not data.startswith(b"%PDF"):
            raise SourceError(f"{path}: not a PDF file (no %PDF header)")
        pages = _pdf_pages(path)
        text = "\n".join(pages)
        sections = pages_from_pdf_pages(pages)
    elif suffix in (".txt", ".md"):
        text = _decode_text(path, data)
        sections = clean_markdown(text) if suffix == ".md" else clean_pdf_text(text)
    else:
        raise SourceError(f"{path}: unsupported file type {suffix!r} (use .txt, .md or .pdf)")
    if not sections:
        raise SourceError(f"{path}: no text left after cleaning")
    doc_key, document, version = _identify(path, text)
    return Source(
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        doc_key=doc_key,
        document=document,
        version=version,
        sections=sections,
    )


def read_all(directory: Path) -> list[Source]:
    """Every source in a folder, all validated before any is used; doc keys must be unique."""
    paths = discover(directory)
    if not paths:
        raise SourceError(f"{directory}: no guideline files (.txt, .md, .pdf)")
    sources = [read_source(path) for path in paths]
    seen: dict[str, Path] = {}
    for source in sources:
        if source.doc_key in seen:
            raise SourceError(
                f"{source.path}: same document id {source.doc_key!r} as {seen[source.doc_key]}"
            )
        seen[source.doc_key] = source.path
    return sources
