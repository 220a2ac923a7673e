"""Guideline sources: cleaning PDF-extracted text into sections, chunking, indexing."""
