"""Preprocessing and segmentation: cleaning, title/body, jieba words (training only), prepared docs."""

from __future__ import annotations

import logging
import sys
import tempfile
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import joblib

# A text to classify: either one string (its first line is taken as the title when it has
# several lines) or an explicit (title, body) pair.
Text = str | tuple[str, str]


def clean(text: str | None) -> str:
    """NFKC-normalised text with every run of whitespace collapsed to one space, stripped."""
    if not text:
        return ""
    return " ".join(unicodedata.normalize("NFKC", str(text)).split())


def split_text(text: Text) -> tuple[str, str]:
    """(title, body) of a text. A single string with several lines gives its first line as title."""
    if isinstance(text, tuple):
        title, body = text
        return clean(title), clean(body)
    raw = str(text or "").strip()
    if "\n" in raw:
        first, rest = raw.split("\n", 1)
        return clean(first), clean(rest)
    return "", clean(raw)


_JIEBA_LOCK = threading.Lock()
_JIEBA: Any = None


def segmenter() -> Any:
    """One quiet jieba tokenizer per process, its dictionary cache kept in the temp directory."""
    global _JIEBA
    if _JIEBA is None:
        with _JIEBA_LOCK:
            if _JIEBA is None:
                import jieba

                logging.getLogger("jieba").setLevel(logging.WARNING)
                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                cache_dir = Path(tempfile.gettempdir()) / "wangge-jieba"
                cache_dir.mkdir(parents=True, exist_ok=True)
                tokenizer.tmp_dir = str(cache_dir)
                tokenizer.initialize()
                _JIEBA = tokenizer
    return _JIEBA


def segment(text: str) -> tuple[str, ...]:
    """jieba words of ``text`` (dictionary only, no HMM guessing), punctuation and spaces dropped."""
    if not text:
        return ()
    return tuple(w for w in segmenter().lcut(text, HMM=False) if any(ch.isalnum() for ch in w))


class Doc(NamedTuple):
    """An appeal prepared for the feature blocks: title and body without spaces, and (for training
    texts only) the jieba words of both, from which the lexicon and the word vectors are learnt."""

    title: str
    body: str
    words: tuple[str, ...] = ()


def _doc(text: Text, with_words: bool) -> Doc:
    title, body = split_text(text)
    title, body = title.replace(" ", ""), body.replace(" ", "")
    return Doc(title, body, (*segment(title), "\n", *segment(body)) if with_words else ())


def _prepare_serial(texts: Iterable[Text], with_words: bool) -> list[Doc]:
    return [_doc(text, with_words) for text in texts]


def prepare(texts: Sequence[Text], n_jobs: int = 1, with_words: bool = False) -> list[Doc]:
    """Clean texts; ``with_words`` also segments them with jieba (training only), in ``n_jobs``
    processes for large batches."""
    if not with_words or n_jobs <= 1 or len(texts) < 2000:
        return _prepare_serial(texts, with_words)
    size = -(-len(texts) // n_jobs)
    chunks = [list(texts[i : i + size]) for i in range(0, len(texts), size)]
    parts = joblib.Parallel(n_jobs=n_jobs)(joblib.delayed(_prepare_serial)(chunk, True) for chunk in chunks)
    # The words come back from the processes as separate string objects, millions of them for a few thousand
    # appeals; the same word is one object once interned.
    out: list[Doc] = []
    for part in parts:
        out += [Doc(d.title, d.body, tuple(sys.intern(w) for w in d.words)) for d in part]
        part.clear()
    return out


def prepare_both(
    labelled: Sequence[Text], unlabelled: Sequence[Text] | None, n_jobs: int = 1
) -> tuple[list[Doc], list[Doc]]:
    """Training texts and unlabelled texts, segmented together (one batch keeps every process busy)."""
    docs = prepare([*labelled, *(unlabelled or [])], n_jobs, with_words=True)
    return docs[: len(labelled)], docs[len(labelled) :]
