"""Classifying appeal text (title + body) into first-level categories.

Pure Python (no Django): preprocessing and segmentation, the feature pipeline, training with
optional self-training on unlabelled appeals, prediction with a confidence, evaluation, and
saving/loading with joblib.

The pipeline, chosen by repeated stratified cross-validation on real citizen messages:

* text is NFKC-normalised and its whitespace collapsed; title and body are kept apart;
* four sparse TF-IDF blocks (sublinear tf, L2 per block): character 1–2-grams of the title and of
  the body, and lexicon words of the title and of the body. The lexicon is the words jieba finds
  when segmenting the training texts; a text's words are then *every* substring that is a
  lexicon word (overlaps included), so prediction needs no segmentation at all, and this scored
  higher than jieba's own segmentation in cross-validation. The vocabularies and IDF are fitted
  on the labelled *and* the unlabelled texts (no labels are involved). n-grams are packed into
  int64 codes so that one appeal is looked up with a few numpy calls;
* one dense block of word vectors learnt from the same texts (positive PMI of word co-occurrence
  in jieba's segmentation, reduced by a truncated SVD), averaged per title and per body with the
  TF-IDF weights, so that a word never seen in a labelled appeal still lands near the words that
  were; weighted 0.7 against the TF-IDF blocks (better than 0.5 and 1.0 on two different 5 x 2
  fold splits);
* with a classification tree (``read_taxonomy``: rows of first/second/third-level category
  names, e.g. the organiser's taxonomy), a small keyword block as weak supervision: per
  first-level class of the tree, the number of its keywords (the lower-level category names and
  their jieba words, only those found under a single first-level class) in the title and in the
  body, as log(1 + hits) times ``taxonomy_weight``. It tells the SVM which class a term belongs to
  even when no labelled appeal contains it (+0.02 cross-validated macro-F1 on the real messages);
* a linear SVM with balanced class weights; with unlabelled appeals, one round of class-balanced
  self-training adds the unlabelled appeals the first model is surest of (as many per class as
  the labelled class shares predict), then the model is refitted;
* confidences come from a softmax over the SVM scores with a temperature fitted on out-of-fold
  scores of the labelled appeals.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import tempfile
import threading
import time
import unicodedata
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

import joblib
import numpy as np
import scipy.sparse as sp
import sklearn
from scipy.optimize import minimize_scalar
from sklearn.metrics import classification_report, confusion_matrix, f1_score
from sklearn.model_selection import RepeatedStratifiedKFold, StratifiedKFold
from sklearn.svm import LinearSVC
from sklearn.utils.extmath import randomized_svd

logger = logging.getLogger(__name__)

# Bumped whenever the saved layout changes; load() refuses other formats.
MODEL_FORMAT = 1

# A text to classify: either one string (its first line is taken as the title when it has
# several lines) or an explicit (title, body) pair.
Text = str | tuple[str, str]


class ModelFormatError(ValueError):
    """The file is not a saved classifier of this format."""


# --------------------------------------------------------------------------------------------
# Preprocessing and segmentation


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


def _segmenter() -> Any:
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
    return tuple(w for w in _segmenter().lcut(text, HMM=False) if any(ch.isalnum() for ch in w))


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
    return [doc for part in parts for doc in part]


_NO_IDS = np.zeros(0, dtype=np.int64)
_NO_VALUES = np.zeros(0, dtype=np.float32)


class GramCoder:
    """Encodes character n-grams as int64 codes, so that looking a text's n-grams up in a vocabulary
    is a handful of numpy calls instead of a dictionary lookup per n-gram.

    Characters are numbered 1..K (0 = not in the table); an n-gram's code packs its characters'
    numbers in ``bits`` bits each, so n-grams of different lengths never share a code."""

    def __init__(self, chars: Iterable[str], max_n: int = 4) -> None:
        self.codepoints = np.array(sorted({ord(c) for c in chars}), dtype=np.int64)
        self.bits = max(1, int(len(self.codepoints) + 1).bit_length())
        if max_n * self.bits > 62:
            raise ValueError(f"{len(self.codepoints)} distinct characters are too many to encode {max_n}-grams")
        self.max_n = max_n

    @classmethod
    def learn(cls, texts: Iterable[str], *, min_df: int, max_n: int) -> GramCoder:
        """The characters found in at least ``min_df`` texts (no rarer n-gram can be a feature)."""
        df: Counter[str] = Counter()
        for text in texts:
            df.update(set(text))
        return cls((c for c, n in df.items() if n >= min_df), max_n)

    def ids(self, text: str) -> np.ndarray:
        points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        if not len(self.codepoints):
            return np.zeros(len(points), dtype=np.int64)
        pos = np.minimum(np.searchsorted(self.codepoints, points), len(self.codepoints) - 1)
        return np.where(self.codepoints[pos] == points, pos + 1, 0)

    def grams(self, ids: np.ndarray, n: int) -> np.ndarray:
        """Codes of the n-grams of a text given its character ids, skipping those with unknown characters."""
        count = len(ids) - n + 1
        if count <= 0:
            return _NO_IDS
        code = ids[:count].copy()
        known = code > 0
        for k in range(1, n):
            part = ids[k : k + count]
            code = (code << self.bits) | part
            known &= part > 0
        return code[known]

    def encode(self, word: str) -> int | None:
        ids = self.ids(word)
        if not len(ids) or len(ids) > self.max_n or not ids.all():
            return None
        return int(self.grams(ids, len(ids))[0])

    def encode_many(self, words: Sequence[str]) -> np.ndarray:
        """Codes of many words at once (sorted, unique); words too long or with unknown characters are left out."""
        words = [w for w in words if 0 < len(w) <= self.max_n]
        if not words:
            return _NO_IDS
        lengths = np.array([len(w) for w in words], dtype=np.int64)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        ids = self.ids("".join(words))
        code = np.zeros(len(words), dtype=np.int64)
        known = np.ones(len(words), dtype=bool)
        for k in range(int(lengths.max())):
            inside = k < lengths
            part = ids[starts[inside] + k]
            code[inside] = (code[inside] << self.bits) | part
            known[inside] &= part > 0
        return np.unique(code[known])

    def decode(self, code: int) -> str:
        chars = []
        mask = (1 << self.bits) - 1
        while code:
            chars.append(chr(int(self.codepoints[(code & mask) - 1])))
            code >>= self.bits
        return "".join(reversed(chars))


def _unit(v: np.ndarray) -> np.ndarray:
    norm = float(np.sqrt(v @ v))
    return v / norm if norm > 0 else v


def _stack(rows: Sequence[tuple[np.ndarray, np.ndarray]], width: int) -> sp.csr_matrix:
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(ids) for ids, _v in rows])
    indices = np.concatenate([ids for ids, _v in rows]) if rows else _NO_IDS
    data = np.concatenate([v for _i, v in rows]).astype(np.float32) if rows else _NO_VALUES
    return sp.csr_matrix((data, indices, indptr), shape=(len(rows), width))


class GramBlock:
    """TF-IDF of n-gram codes: sublinear tf, smooth idf, L2-normalised rows, codes found in at least
    ``min_df`` fitting texts (optionally only codes of an allowed set, e.g. the lexicon words).
    The numbers of scikit-learn's TfidfVectorizer with ``sublinear_tf=True``; column j is the
    j-th smallest code."""

    def __init__(self, min_df: int) -> None:
        self.min_df = min_df
        self.codes: np.ndarray = _NO_IDS
        self.idf: np.ndarray = _NO_VALUES

    def fit_transform(self, texts_codes: Sequence[np.ndarray], allowed: np.ndarray | None = None) -> sp.csr_matrix:
        uniques = []
        for codes in texts_codes:
            if allowed is not None:
                codes = codes[_member(allowed, codes)]
            uniques.append(np.unique(codes, return_counts=True))
        every = np.concatenate([u for u, _c in uniques]) if uniques else _NO_IDS
        vocab, df = np.unique(every, return_counts=True)
        keep = df >= self.min_df
        self.codes = vocab[keep]
        self.idf = (np.log((1 + len(uniques)) / (1 + df[keep])) + 1).astype(np.float32)
        return _stack([self._row(u, c) for u, c in uniques], len(self.codes))

    def row(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Column ids and TF-IDF values of one text's n-gram codes (unknown codes ignored)."""
        unique, counts = np.unique(codes, return_counts=True)
        return self._row(unique, counts)

    def _row(self, unique: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if not len(unique) or not len(self.codes):
            return _NO_IDS, _NO_VALUES
        pos = np.minimum(np.searchsorted(self.codes, unique), len(self.codes) - 1)
        hit = self.codes[pos] == unique
        cols = pos[hit]
        tf = counts[hit].astype(np.float32)
        return cols, _unit((np.log(tf) + 1) * self.idf[cols])

    def __len__(self) -> int:
        return len(self.codes)


def _member(sorted_codes: np.ndarray, codes: np.ndarray) -> np.ndarray:
    if not len(sorted_codes):
        return np.zeros(len(codes), dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_codes, codes), len(sorted_codes) - 1)
    return sorted_codes[pos] == codes


def dictionary_words(max_len: int) -> list[str]:
    """The words of 2 to ``max_len`` characters in jieba's dictionary."""
    return [w for w, freq in _segmenter().FREQ.items() if freq > 0 and 2 <= len(w) <= max_len]


def taxonomy_keywords(rows: Iterable[Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """Keywords per first-level class of a classification tree given as rows of
    (first level, second level, third level, ...) category names.

    A class's keywords are the names of its lower-level categories (split at 、 and 和) and the
    jieba words of two or more characters in them, "其他" left out; a keyword found under more
    than one first-level class is dropped, so that every keyword points at one class."""
    owners: dict[str, set[str]] = {}
    for row in rows:
        names = [clean(name) for name in row]
        if not names or not names[0]:
            continue
        for name in names[1:]:
            for part in name.replace("、", " ").replace("和", " ").split():
                if part == "其他":
                    continue
                for word in {part, *(w for w in segment(part) if len(w) >= 2)} - {"其他"}:
                    owners.setdefault(word, set()).add(names[0])
    keywords: dict[str, list[str]] = {}
    for word, classes in owners.items():
        if len(classes) == 1:
            keywords.setdefault(next(iter(classes)), []).append(word)
    return {label: tuple(sorted(words)) for label, words in sorted(keywords.items())}


def learn_lexicon(docs: Sequence[Doc], *, min_df: int, max_len: int) -> list[str]:
    """The words (2 to ``max_len`` characters) jieba found in at least ``min_df`` training texts.

    New texts are never segmented: every substring that is a lexicon word counts as that word,
    which needs no jieba at prediction time and scored as well as segmenting in cross-validation."""
    df: Counter[str] = Counter()
    for doc in docs:
        df.update({w for w in doc.words if 2 <= len(w) <= max_len})
    return sorted(w for w, n in df.items() if n >= min_df)


# --------------------------------------------------------------------------------------------
# Parameters and features


@dataclass(frozen=True)
class Params:
    """Training parameters; stored with every model."""

    min_df: int = 3  # a term must occur in this many (labelled or unlabelled) texts
    title_weight: float = 1.0  # weight of the title blocks against the body blocks
    use_words: bool = True
    max_word_len: int = 4
    # Where lexicon words come from: "corpus" (jieba's segmentation of the training texts),
    # "dictionary" (jieba's dictionary) or "both".
    lexicon: str = "corpus"
    embedding_dim: int = 200  # 0 disables the word-vector block
    embedding_window: int = 5
    embedding_weight: float = 0.7  # against 1.0 for each TF-IDF block
    # Weight of the taxonomy block (keyword hits per class of the classification tree, when a
    # taxonomy is given to training); 0 disables it.
    taxonomy_weight: float = 0.3
    C: float = 1.0
    multi_class: str = "ovr"  # LinearSVC's "ovr" (one-vs-rest) or "crammer_singer"
    pseudo_ratio: float = 1.0  # pseudo-labelled appeals added per labelled appeal; 0 disables
    pseudo_share: float = 0.1  # ... but at most this share of the unlabelled appeals
    pseudo_weight: float = 1.0  # sample weight of a pseudo-labelled appeal
    pseudo_rounds: int = 1  # each round relabels the unlabelled appeals with the previous model
    calibration_folds: int = 5
    seed: int = 0


class WordVectors:
    """Word vectors from positive PMI of co-occurrence within a window, reduced by truncated SVD."""

    def __init__(self, *, dim: int, window: int, seed: int) -> None:
        self.dim = dim
        self.window = window
        self.seed = seed
        self.vocabulary: dict[str, int] = {}
        self.vectors: np.ndarray = np.zeros((0, dim), dtype=np.float32)

    def fit(self, sequences: Iterable[Sequence[str]], words: Iterable[str]) -> WordVectors:
        vocab = {w: i for i, w in enumerate(sorted(words))}
        size = len(vocab)
        rows, cols = [], []
        for sequence in sequences:
            ids = np.fromiter((vocab.get(w, -1) for w in sequence), dtype=np.int64)
            for offset in range(1, min(self.window, len(ids) - 1) + 1):
                a, b = ids[:-offset], ids[offset:]
                keep = (a >= 0) & (b >= 0)
                rows.append(a[keep])
                cols.append(b[keep])
        r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        c = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
        counts = sp.coo_matrix((np.ones(len(r), dtype=np.float64), (r, c)), shape=(size, size)).tocsr()
        counts = (counts + counts.T).tocoo()
        total = counts.sum()
        dim = min(self.dim, max(1, size - 1))
        self.vocabulary = vocab
        if total == 0 or size < 3:
            self.vectors = np.zeros((size, dim), dtype=np.float32)
            return self
        row_sum = np.asarray(counts.sum(axis=1)).ravel()
        ctx = row_sum**0.75
        ctx = ctx / ctx.sum()
        pmi = np.log(counts.data / (row_sum[counts.row] / total) / ctx[counts.col] / total)
        keep = pmi > 0
        ppmi = sp.csr_matrix((pmi[keep], (counts.row[keep], counts.col[keep])), shape=(size, size))
        u, s, _ = randomized_svd(ppmi, dim, n_iter=3, random_state=self.seed)
        vectors = u * np.sqrt(s)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
        self.vectors = vectors.astype(np.float32)
        return self

    def table(self, words: Sequence[str]) -> np.ndarray:
        """One row per word: its vector, or zeros for a word without one."""
        out = np.zeros((len(words), self.vectors.shape[1]), dtype=np.float32)
        for i, word in enumerate(words):
            j = self.vocabulary.get(word)
            if j is not None:
                out[i] = self.vectors[j]
        return out


class AppealVectorizer:
    """Feature blocks, side by side: character 1–2-grams of the title and of the body, lexicon
    words of the title and of the body (TF-IDF each), for the title and for the body the mean of
    their words' vectors weighted by that TF-IDF, and (with taxonomy keywords) for the title and
    for the body, per taxonomy class, log(1 + the number of that class's keywords they contain)."""

    # Taxonomy classes and their keywords; the class-level default serves models saved before
    # the taxonomy block existed.
    keywords: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def __init__(self, params: Params, keywords: Mapping[str, Sequence[str]] | None = None) -> None:
        self.params = params
        if keywords and params.taxonomy_weight > 0:
            self.keywords = tuple((label, tuple(words)) for label, words in sorted(keywords.items()) if words)
        self.coder = GramCoder((), params.max_word_len)
        self.title_chars = GramBlock(params.min_df)
        self.body_chars = GramBlock(params.min_df)
        self.title_words = GramBlock(params.min_df)
        self.body_words = GramBlock(params.min_df)
        self.word_vectors: WordVectors | None = None
        self._tables: tuple[np.ndarray, np.ndarray] | None = None

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_tables"] = None  # derived from the word vectors; rebuilt on first use
        state.pop("_keyword_index", None)  # derived from the keywords; rebuilt on first use
        return state

    def _grams(self, doc: Doc) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Per part (title, body): n-gram codes for n = 0..max (index 0 unused)."""
        out = []
        top = self.params.max_word_len if self.params.use_words else 2
        for text in (doc.title, doc.body):
            ids = self.coder.ids(text)
            out.append([_NO_IDS] + [self.coder.grams(ids, n) for n in range(1, top + 1)])
        return out[0], out[1]

    def fit_transform(self, docs: Sequence[Doc]) -> sp.csr_matrix:
        p = self.params
        self.coder = GramCoder.learn((d.title + d.body for d in docs), min_df=p.min_df, max_n=p.max_word_len)
        grams = [self._grams(d) for d in docs]
        mats = [
            self.title_chars.fit_transform([np.concatenate(t[1:3]) for t, _b in grams]) * p.title_weight,
            self.body_chars.fit_transform([np.concatenate(b[1:3]) for _t, b in grams]),
        ]
        if p.use_words:
            lexicon = learn_lexicon(docs, min_df=p.min_df, max_len=p.max_word_len)
            candidates = list(lexicon)
            if p.lexicon in ("dictionary", "both"):
                candidates = [] if p.lexicon == "dictionary" else candidates
                candidates += dictionary_words(p.max_word_len)
            allowed = self.coder.encode_many(candidates)
            title_words = self.title_words.fit_transform([np.concatenate(t[2:]) for t, _b in grams], allowed)
            body_words = self.body_words.fit_transform([np.concatenate(b[2:]) for _t, b in grams], allowed)
            mats += [title_words * p.title_weight, body_words]
            if p.embedding_dim > 0:
                self.word_vectors = WordVectors(dim=p.embedding_dim, window=p.embedding_window, seed=p.seed).fit(
                    (d.words for d in docs), lexicon
                )
                mats.append(self._embed(title_words, body_words))
        if self.keywords:
            mats.append(sp.csr_matrix(np.array([self._keyword_hits(d) for d in docs], dtype=np.float32)))
        return sp.hstack(mats, format="csr", dtype=np.float32)

    def _keyword_hits(self, doc: Doc) -> np.ndarray:
        """The taxonomy block of one appeal: title columns then body columns, one per class.
        Only keywords starting with a character of the text are looked for."""
        index: dict[str, list[tuple[str, int]]] | None = getattr(self, "_keyword_index", None)
        if index is None:
            index = {}
            for column, (_label, words) in enumerate(self.keywords):
                for word in words:
                    index.setdefault(word[0], []).append((word, column))
            self._keyword_index = index
        width = len(self.keywords)
        hits = np.zeros(2 * width, dtype=np.float32)
        for part, text in enumerate((doc.title, doc.body)):
            for char in index.keys() & set(text):
                for word, column in index[char]:
                    if word in text:
                        hits[part * width + column] += 1
        return np.log1p(hits) * self.params.taxonomy_weight

    def transform(self, docs: Sequence[Doc]) -> sp.csr_matrix:
        return _stack([self.row(doc) for doc in docs], self.n_features)

    def row(self, doc: Doc) -> tuple[np.ndarray, np.ndarray]:
        """Column ids and values of one appeal's features (the same as a row of ``fit_transform``)."""
        p = self.params
        ids: list[np.ndarray] = []
        values: list[np.ndarray] = []
        offset = 0

        def add(block_ids: np.ndarray, block_values: np.ndarray, width: int) -> None:
            nonlocal offset
            ids.append(block_ids + offset)
            values.append(block_values)
            offset += width

        title, body = self._grams(doc)
        i, v = self.title_chars.row(np.concatenate(title[1:3]))
        add(i, v * p.title_weight, len(self.title_chars))
        i, v = self.body_chars.row(np.concatenate(body[1:3]))
        add(i, v, len(self.body_chars))
        if p.use_words:
            ti, tv = self.title_words.row(np.concatenate(title[2:]))
            add(ti, tv * p.title_weight, len(self.title_words))
            bi, bv = self.body_words.row(np.concatenate(body[2:]))
            add(bi, bv, len(self.body_words))
            if self.word_vectors is not None:
                title_table, body_table = self._word_tables()
                dense = np.concatenate([_unit(tv @ title_table[ti]), _unit(bv @ body_table[bi])])
                nonzero = np.flatnonzero(dense)
                add(nonzero, dense[nonzero] * p.embedding_weight, len(dense))
        if self.keywords:
            hits = self._keyword_hits(doc)
            nonzero = np.flatnonzero(hits)
            add(nonzero, hits[nonzero], len(hits))
        return np.concatenate(ids), np.concatenate(values).astype(np.float32)

    def _word_tables(self) -> tuple[np.ndarray, np.ndarray]:
        if self._tables is None:
            assert self.word_vectors is not None
            self._tables = (
                self.word_vectors.table([self.coder.decode(int(c)) for c in self.title_words.codes]),
                self.word_vectors.table([self.coder.decode(int(c)) for c in self.body_words.codes]),
            )
        return self._tables

    def _embed(self, title_words: sp.csr_matrix, body_words: sp.csr_matrix) -> sp.csr_matrix:
        title_table, body_table = self._word_tables()
        parts = []
        for words, table in ((title_words, title_table), (body_words, body_table)):
            dense = np.asarray(words @ table)
            norms = np.linalg.norm(dense, axis=1, keepdims=True)
            parts.append(dense / np.where(norms > 0, norms, 1.0))
        return sp.csr_matrix(np.hstack(parts) * self.params.embedding_weight, dtype=np.float32)

    @property
    def n_features(self) -> int:
        blocks = [self.title_chars, self.body_chars, self.title_words, self.body_words]
        n = sum(len(b) for b in blocks)
        if self.word_vectors is not None:
            n += 2 * self.word_vectors.vectors.shape[1]
        return n + 2 * len(self.keywords)


# --------------------------------------------------------------------------------------------
# Training


def _svm(params: Params) -> LinearSVC:
    return LinearSVC(
        C=params.C, class_weight="balanced", multi_class=params.multi_class, random_state=params.seed, max_iter=2000
    )


def select_pseudo_labels(
    scores: np.ndarray, classes: np.ndarray, count: int, prior: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``scores`` to pseudo-label and their labels: per class, the ``count * prior``
    rows predicted as that class with the widest margin over the runner-up."""
    order = np.sort(scores, axis=1)
    margin = order[:, -1] - order[:, -2] if scores.shape[1] > 1 else order[:, -1]
    predicted = scores.argmax(axis=1)
    chosen = []
    for index in range(len(classes)):
        rows = np.flatnonzero(predicted == index)
        take = round(float(count * prior[index]))
        chosen.append(rows[np.argsort(-margin[rows], kind="stable")][:take])
    picked = np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.int64)
    return picked, classes[predicted[picked]]


@dataclass
class _Fitted:
    vectorizer: AppealVectorizer
    classifier: LinearSVC
    x_labelled: sp.csr_matrix
    x_pseudo: sp.csr_matrix
    y_pseudo: np.ndarray


def _fit(
    docs: Sequence[Doc],
    labels: np.ndarray,
    unlabelled: Sequence[Doc],
    params: Params,
    keywords: Mapping[str, Sequence[str]] | None = None,
) -> _Fitted:
    vectorizer = AppealVectorizer(params, keywords)
    x_all = vectorizer.fit_transform([*docs, *unlabelled])
    x = x_all[: len(docs)]
    classifier = _svm(params).fit(x, labels)
    x_pseudo = sp.csr_matrix((0, x.shape[1]), dtype=np.float32)
    y_pseudo = np.zeros(0, dtype=labels.dtype)
    count = int(min(params.pseudo_ratio * len(labels), params.pseudo_share * len(unlabelled)))
    if unlabelled and count > 0:
        x_unlabelled = x_all[len(docs) :]
        classes = classifier.classes_
        prior = np.array([np.mean(labels == c) for c in classes])
        for _round in range(max(1, params.pseudo_rounds)):
            scores = _scores(classifier, x_unlabelled)
            picked, y_pseudo = select_pseudo_labels(scores, classes, count, prior)
            x_pseudo = x_unlabelled[picked]
            weights = np.concatenate([np.ones(len(labels)), np.full(len(picked), params.pseudo_weight)])
            classifier = _svm(params).fit(
                sp.vstack([x, x_pseudo], format="csr"), np.concatenate([labels, y_pseudo]), sample_weight=weights
            )
    return _Fitted(vectorizer, classifier, x, x_pseudo, y_pseudo)


def _scores(classifier: LinearSVC, x: sp.csr_matrix) -> np.ndarray:
    """Decision values, one column per class (what ``decision_function`` gives, without its checks)."""
    scores = np.asarray(x @ classifier.coef_.T) + classifier.intercept_
    if scores.shape[1] == 1:  # two classes: one column, positive for the second
        scores = np.column_stack([-scores[:, 0], scores[:, 0]])
    return scores


def _softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = scores / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _fit_temperature(fitted: _Fitted, labels: np.ndarray, params: Params) -> float:
    """Temperature minimising the log-loss of out-of-fold scores of the labelled appeals (each fold's
    model trained on the other labelled folds plus the pseudo-labelled appeals)."""
    classes = fitted.classifier.classes_
    counts = np.array([np.sum(labels == c) for c in classes])
    folds = int(min(params.calibration_folds, counts.min()))
    if folds < 2:
        return 1.0
    oof = np.zeros((len(labels), len(classes)))
    splitter = StratifiedKFold(folds, shuffle=True, random_state=params.seed)
    for train, test in splitter.split(np.zeros(len(labels)), labels):
        x = sp.vstack([fitted.x_labelled[train], fitted.x_pseudo], format="csr")
        y = np.concatenate([labels[train], fitted.y_pseudo])
        weights = np.concatenate([np.ones(len(train)), np.full(len(fitted.y_pseudo), params.pseudo_weight)])
        model = _svm(params).fit(x, y, sample_weight=weights)
        oof[test] = _scores(model, fitted.x_labelled[test])[:, np.searchsorted(model.classes_, classes)]
    target = np.searchsorted(classes, labels)

    def nll(log_t: float) -> float:
        p = _softmax(oof, float(np.exp(log_t)))
        return float(-np.mean(np.log(p[np.arange(len(target)), target] + 1e-12)))

    result = minimize_scalar(nll, bounds=(np.log(0.01), np.log(10.0)), method="bounded")
    return float(np.exp(result.x))


@dataclass(frozen=True)
class Prediction:
    label: str
    confidence: float
    top: list[tuple[str, float]]


@dataclass
class TrainedModel:
    """A fitted classifier with everything needed to explain where it came from."""

    version: str
    params: Params
    labels: tuple[str, ...]
    vectorizer: AppealVectorizer
    classifier: LinearSVC
    temperature: float
    trained_at: str
    training_seconds: float
    n_labelled: int
    n_unlabelled: int
    n_pseudo: int
    sklearn_version: str = sklearn.__version__
    model_format: int = MODEL_FORMAT
    evaluation: dict[str, Any] | None = None
    cross_validation: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def probabilities(self, texts: Sequence[Text]) -> np.ndarray:
        """Rows of class probabilities, columns in the order of ``labels``."""
        x = self.vectorizer.transform(prepare(texts))
        return _softmax(_scores(self.classifier, x), self.temperature)

    def predict(self, texts: Sequence[Text], k: int = 3) -> list[Prediction]:
        probs = self.probabilities(texts)
        out = []
        for row in probs:
            order = np.argsort(-row, kind="stable")[: max(1, k)]
            top = [(self.labels[i], float(row[i])) for i in order]
            out.append(Prediction(label=top[0][0], confidence=top[0][1], top=top))
        return out

    def predict_one(self, text: Text, k: int = 3) -> Prediction:
        return self.predict([text], k=k)[0]

    def describe(self) -> dict[str, Any]:
        """JSON-ready summary: what the registry stores beside the file."""
        return {
            "version": self.version,
            "model_format": self.model_format,
            "labels": list(self.labels),
            "params": asdict(self.params),
            "trained_at": self.trained_at,
            "training_seconds": round(self.training_seconds, 2),
            "n_labelled": self.n_labelled,
            "n_unlabelled": self.n_unlabelled,
            "n_pseudo": self.n_pseudo,
            "n_features": self.vectorizer.n_features,
            "taxonomy_classes": len(self.vectorizer.keywords),
            "temperature": round(self.temperature, 4),
            "sklearn_version": self.sklearn_version,
            "evaluation": self.evaluation,
            "cross_validation": self.cross_validation,
        }


def _as_labels(labels: Iterable[Any]) -> np.ndarray:
    return np.array([clean(str(label)) for label in labels], dtype=object)


def _check(texts: Sequence[Text], labels: np.ndarray) -> None:
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
    if len(set(labels.tolist())) < 2:
        raise ValueError("training needs at least two distinct labels")
    if any(not label for label in labels):
        raise ValueError("every training text needs a label")


def train(
    texts: Sequence[Text],
    labels: Sequence[str],
    unlabeled: Sequence[Text] | None = None,
    params: Params | None = None,
    n_jobs: int = 1,
    taxonomy: Sequence[Sequence[str]] | None = None,
) -> TrainedModel:
    """Fit the pipeline on labelled texts, optionally self-training on unlabelled ones and with
    keywords from ``taxonomy`` (rows of first/second/third-level category names, see
    ``read_taxonomy``). ``n_jobs`` processes segment the texts."""
    params = params or Params()
    y = _as_labels(labels)
    _check(texts, y)
    started = time.perf_counter()
    docs = prepare(texts, n_jobs, with_words=True)
    others = prepare(unlabeled or [], n_jobs, with_words=True)
    fitted = _fit(docs, y, others, params, taxonomy_keywords(taxonomy or []))
    temperature = _fit_temperature(fitted, y, params)
    elapsed = time.perf_counter() - started
    classes = tuple(str(c) for c in fitted.classifier.classes_)
    now = dt.datetime.now(dt.UTC)
    digest = hashlib.sha1(
        json.dumps([classes, asdict(params), len(docs), now.isoformat()], ensure_ascii=False).encode()
    )
    digest.update(uuid.uuid4().bytes)
    return TrainedModel(
        version=f"{now:%Y%m%d%H%M%S}-{digest.hexdigest()[:6]}",
        params=params,
        labels=classes,
        vectorizer=fitted.vectorizer,
        classifier=fitted.classifier,
        temperature=temperature,
        trained_at=now.isoformat(timespec="seconds"),
        training_seconds=elapsed,
        n_labelled=len(docs),
        n_unlabelled=len(others),
        n_pseudo=len(fitted.y_pseudo),
    )


# --------------------------------------------------------------------------------------------
# Evaluation


@dataclass(frozen=True)
class Evaluation:
    macro_f1: float
    accuracy: float
    labels: list[str]
    per_class: dict[str, dict[str, float]]
    confusion: list[list[int]]
    report: str
    support: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def format(self) -> str:
        """Human-readable: the ``macro_f1=`` line, the per-class report and the confusion matrix."""
        width = max([_display_width(label) for label in self.labels] + [4])
        lines = [f"macro_f1={self.macro_f1:.3f}", f"accuracy={self.accuracy:.3f} n={self.support}", ""]
        lines.append(self.report.rstrip())
        lines += ["", "confusion matrix (rows: true, columns: predicted)"]
        lines.append(" " * (width + 4) + "".join(f"{i:>6}" for i in range(len(self.labels))))
        for i, (label, row) in enumerate(zip(self.labels, self.confusion, strict=True)):
            pad = " " * (width - _display_width(label))
            lines.append(f"{i:>2} {label}{pad} " + "".join(f"{v:>6}" for v in row))
        return "\n".join(lines)


def _display_width(text: str) -> int:
    """Terminal columns of ``text``: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def score(true: Sequence[str], predicted: Sequence[str], labels: Sequence[str] | None = None) -> Evaluation:
    y_true = [str(v) for v in true]
    y_pred = [str(v) for v in predicted]
    names = list(labels) if labels else sorted(set(y_true) | set(y_pred))
    names += sorted((set(y_true) | set(y_pred)) - set(names))
    report_dict = classification_report(y_true, y_pred, labels=names, output_dict=True, zero_division=0)
    per_class = {name: {k: float(v) for k, v in report_dict[name].items()} for name in names if name in report_dict}
    return Evaluation(
        macro_f1=float(f1_score(y_true, y_pred, labels=names, average="macro", zero_division=0)),
        accuracy=float(np.mean(np.array(y_true) == np.array(y_pred))) if y_true else 0.0,
        labels=names,
        per_class=per_class,
        confusion=confusion_matrix(y_true, y_pred, labels=names).tolist(),
        report=classification_report(y_true, y_pred, labels=names, digits=3, zero_division=0),
        support=len(y_true),
    )


def evaluate(model: TrainedModel, texts: Sequence[Text], labels: Sequence[str]) -> Evaluation:
    """Macro-F1, per-class report and confusion matrix of ``model`` on labelled texts."""
    y = [clean(str(v)) for v in labels]
    predicted = [p.label for p in model.predict(texts, k=1)]
    return score(y, predicted, labels=list(model.labels))


@dataclass(frozen=True)
class CVResult:
    folds: int
    repeats: int
    scores: list[float]
    seconds: float
    # Out-of-fold predictions, one list per repeat, aligned with the labelled texts.
    predictions: list[list[str]] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)

    def pooled(self) -> Evaluation:
        """Per-class report and confusion matrix of the out-of-fold predictions, all repeats pooled."""
        return score(self.labels * len(self.predictions), [p for run in self.predictions for p in run])

    @property
    def mean(self) -> float:
        return float(np.mean(self.scores))

    @property
    def std(self) -> float:
        return float(np.std(self.scores))

    def as_dict(self) -> dict[str, Any]:
        return {
            "folds": self.folds,
            "repeats": self.repeats,
            "macro_f1_mean": round(self.mean, 4),
            "macro_f1_std": round(self.std, 4),
            "scores": [round(s, 4) for s in self.scores],
            "seconds": round(self.seconds, 1),
        }


def cross_validate(
    texts: Sequence[Text],
    labels: Sequence[str],
    unlabeled: Sequence[Text] | None = None,
    *,
    params: Params | None = None,
    folds: int = 5,
    repeats: int = 1,
    seed: int = 0,
    n_jobs: int = 1,
    progress: Callable[[int, float], None] | None = None,
    taxonomy: Sequence[Sequence[str]] | None = None,
) -> CVResult:
    """Repeated stratified k-fold macro-F1. Every fold fits the vocabulary on its training texts
    plus the unlabelled texts and self-trains with its training labels only; its test texts are
    seen only when they are scored."""
    params = params or Params()
    y = _as_labels(labels)
    _check(texts, y)
    started = time.perf_counter()
    docs = prepare(texts, n_jobs, with_words=True)
    others = prepare(unlabeled or [], n_jobs, with_words=True)
    keywords = taxonomy_keywords(taxonomy or [])
    splitter = RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats, random_state=seed)
    scores = []
    oof = [[""] * len(y) for _ in range(repeats)]
    for i, (train_idx, test_idx) in enumerate(splitter.split(np.zeros(len(y)), y)):
        fitted = _fit([docs[j] for j in train_idx], y[train_idx], others, params, keywords)
        predicted = fitted.classifier.predict(fitted.vectorizer.transform([docs[j] for j in test_idx]))
        scores.append(float(f1_score(y[test_idx], predicted, average="macro")))
        for j, label in zip(test_idx, predicted, strict=True):
            oof[i // folds][j] = str(label)
        if progress is not None:
            progress(i, scores[-1])
    return CVResult(
        folds=folds,
        repeats=repeats,
        scores=scores,
        seconds=time.perf_counter() - started,
        predictions=oof,
        labels=[str(label) for label in y],
    )


# --------------------------------------------------------------------------------------------
# Persistence


def save(model: TrainedModel, path: str | Path) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(_payload(model), target, compress=3)
    return target


def dumps(model: TrainedModel) -> bytes:
    """The saved form of ``model`` as bytes (what ``save`` writes)."""
    buffer = io.BytesIO()
    joblib.dump(_payload(model), buffer, compress=3)
    return buffer.getvalue()


def _payload(model: TrainedModel) -> dict[str, Any]:
    return {"kind": "wangge.textclf", "format": MODEL_FORMAT, "model": model}


def load(path: str | Path | BinaryIO) -> TrainedModel:
    """A saved model from a path or an open binary file."""
    try:
        payload = joblib.load(path if hasattr(path, "read") else Path(path))  # type: ignore[arg-type]
    except Exception as exc:  # a damaged or foreign file can fail in any way while unpickling
        raise ModelFormatError(f"cannot read a classifier from {path}: {exc}") from exc
    if not isinstance(payload, dict) or payload.get("kind") != "wangge.textclf":
        raise ModelFormatError(f"{path} is not a saved appeal classifier")
    if payload.get("format") != MODEL_FORMAT:
        raise ModelFormatError(f"{path} has format {payload.get('format')}, this code reads {MODEL_FORMAT}")
    model = payload["model"]
    if model.sklearn_version != sklearn.__version__:
        logger.warning(
            "classifier %s was saved with scikit-learn %s, running %s",
            model.version,
            model.sklearn_version,
            sklearn.__version__,
        )
    return model


def with_params(base: Params | None = None, **changes: Any) -> Params:
    """``base`` (or the defaults) with some fields changed; unknown names raise TypeError."""
    return replace(base or Params(), **changes)


# --------------------------------------------------------------------------------------------
# CSV input


@dataclass(frozen=True)
class Table:
    """Rows read from a CSV: texts, labels (when a label column was asked for) and ids."""

    texts: list[Text]
    labels: list[str] | None
    ids: list[str] | None
    id_column: str | None


ID_COLUMNS = ("留言编号", "id", "ID", "编号")


def read_taxonomy(path: str | Path) -> list[tuple[str, ...]]:
    """Rows of a classification-tree CSV (UTF-8, BOM allowed, a header row): each row's category
    names from the first level down, e.g. 一级分类,二级分类,三级分类."""
    import csv

    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return [tuple(clean(name) for name in row) for row in rows[1:] if row and clean(row[0])]


def read_table(
    path: str | Path,
    text_columns: Sequence[str],
    label_column: str | None = None,
    id_column: str | None = None,
) -> Table:
    """Read a UTF-8 (BOM allowed) CSV. The first text column is the title and the others, joined,
    the body; a single text column is the body. Rows without a label are skipped when a label
    column is named. The id column is ``id_column`` or the first of ``ID_COLUMNS`` present."""
    import csv

    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        missing = [c for c in [*text_columns, *([label_column] if label_column else [])] if c not in header]
        if missing:
            raise KeyError(f"{path}: no column {', '.join(missing)} (columns: {', '.join(header)})")
        ident = id_column or next((c for c in ID_COLUMNS if c in header), None)
        if ident is not None and ident not in header:
            raise KeyError(f"{path}: no column {ident}")
        texts: list[Text] = []
        labels: list[str] = []
        ids: list[str] = []
        for row in reader:
            label = clean(row.get(label_column) or "") if label_column else ""
            if label_column and not label:
                continue
            parts = [row.get(c) or "" for c in text_columns]
            if len(parts) == 1:
                texts.append(("", parts[0]))
            else:
                texts.append((parts[0], " ".join(parts[1:])))
            labels.append(label)
            ids.append((row.get(ident) or "").strip() if ident else "")
    return Table(
        texts=texts,
        labels=labels if label_column else None,
        ids=ids if ident else None,
        id_column=ident,
    )
