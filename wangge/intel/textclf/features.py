"""The feature pipeline: the lexicon, the taxonomy keywords, word vectors and the appeal vectorizer that puts
the blocks side by side."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.utils.extmath import randomized_svd

from wangge.intel.textclf.grams import NO_IDS, GramBlock, GramCoder, stack_rows, unit_vector
from wangge.intel.textclf.params import Params
from wangge.intel.textclf.text import Doc, clean, segment, segmenter


def dictionary_words(max_len: int) -> list[str]:
    """The words of 2 to ``max_len`` characters in jieba's dictionary."""
    return [w for w, freq in segmenter().FREQ.items() if freq > 0 and 2 <= len(w) <= max_len]


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


def taxonomy_descriptions(rows: Iterable[Sequence[str]]) -> tuple[list[tuple[str, str]], list[str]]:
    """Class descriptions of a classification tree as weakly labelled appeals: per second-level category, its
    name as title and its name with its lower-level names (but "其他") as body, labelled with its first-level
    class. Returns (texts, labels)."""
    groups: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        names = [clean(name) for name in row]
        if len(names) < 2 or not names[0] or not names[1]:
            continue
        parts = groups.setdefault((names[0], names[1]), [])
        parts += [name for name in names[2:] if name and name != "其他" and name not in parts]
    texts = [(second, " ".join([second, *parts])) for (_first, second), parts in groups.items()]
    return texts, [first for first, _second in groups]


def learn_lexicon(docs: Sequence[Doc], *, min_df: int, max_len: int) -> list[str]:
    """The words (2 to ``max_len`` characters) jieba found in at least ``min_df`` training texts.

    New texts are never segmented: every substring that is a lexicon word counts as that word,
    which needs no jieba at prediction time and scored as well as segmenting in cross-validation."""
    df: Counter[str] = Counter()
    for doc in docs:
        df.update({w for w in doc.words if 2 <= len(w) <= max_len})
    return sorted(w for w, n in df.items() if n >= min_df)


class WordVectors:
    """Word vectors from positive PMI of co-occurrence within a window, reduced by truncated SVD."""

    CHUNK_PAIRS = 2_000_000  # co-occurring pairs gathered before they are added to the counts

    def __init__(self, *, dim: int, window: int, seed: int) -> None:
        self.dim = dim
        self.window = window
        self.seed = seed
        self.vocabulary: dict[str, int] = {}
        self.vectors: np.ndarray = np.zeros((0, dim), dtype=np.float32)

    def fit(self, sequences: Iterable[Sequence[str]], words: Iterable[str]) -> WordVectors:
        vocab = {w: i for i, w in enumerate(sorted(words))}
        size = len(vocab)
        counts = sp.csr_matrix((size, size), dtype=np.float64)
        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        pending = 0

        def flush() -> sp.csr_matrix:
            # The pairs of a chunk of texts become a small sparse matrix at once: the pairs of every text held
            # together took hundreds of megabytes.
            r, c = np.concatenate(rows), np.concatenate(cols)
            rows.clear()
            cols.clear()
            return sp.csr_matrix((np.ones(len(r), dtype=np.float64), (r, c)), shape=(size, size))

        for sequence in sequences:
            ids = np.fromiter((vocab.get(w, -1) for w in sequence), dtype=np.int32)
            for offset in range(1, min(self.window, len(ids) - 1) + 1):
                a, b = ids[:-offset], ids[offset:]
                keep = (a >= 0) & (b >= 0)
                rows.append(a[keep])
                cols.append(b[keep])
                pending += int(keep.sum())
            if pending >= self.CHUNK_PAIRS:
                counts = counts + flush()
                pending = 0
        if rows:
            counts = counts + flush()
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
        del counts, pmi, keep  # the counts are as large as the PPMI matrix: free them before the SVD's own arrays
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
            out.append([NO_IDS] + [self.coder.grams(ids, n) for n in range(1, top + 1)])
        return out[0], out[1]

    def _codes(self, docs: Sequence[Doc], part: str, low: int, high: int) -> Iterator[np.ndarray]:
        """Per text, the codes of the n-grams of one part (title or body) for n = low..high, in that order
        (as ``_grams`` gives them): made one text at a time, so that no block holds every text's n-grams."""
        for doc in docs:
            ids = self.coder.ids(getattr(doc, part))
            yield np.concatenate([self.coder.grams(ids, n) for n in range(low, high + 1)])

    def fit_transform(self, docs: Sequence[Doc]) -> sp.csr_matrix:
        p = self.params
        self.coder = GramCoder.learn((d.title + d.body for d in docs), min_df=p.min_df, max_n=p.max_word_len)
        mats = [
            self.title_chars.fit_transform(self._codes(docs, "title", 1, 2)) * p.title_weight,
            self.body_chars.fit_transform(self._codes(docs, "body", 1, 2)),
        ]
        if p.use_words:
            lexicon = learn_lexicon(docs, min_df=p.min_df, max_len=p.max_word_len)
            candidates = list(lexicon)
            if p.lexicon in ("dictionary", "both"):
                candidates = [] if p.lexicon == "dictionary" else candidates
                candidates += dictionary_words(p.max_word_len)
            allowed = self.coder.encode_many(candidates)
            top = p.max_word_len
            title_words = self.title_words.fit_transform(self._codes(docs, "title", 2, top), allowed)
            body_words = self.body_words.fit_transform(self._codes(docs, "body", 2, top), allowed)
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
        return stack_rows([self.row(doc) for doc in docs], self.n_features)

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
                dense = np.concatenate([unit_vector(tv @ title_table[ti]), unit_vector(bv @ body_table[bi])])
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

    def block_columns(self) -> dict[str, range]:
        """The columns of each block, in the order ``fit_transform`` puts them: chars, words, vectors, taxonomy."""
        widths = {
            "chars": len(self.title_chars) + len(self.body_chars),
            "words": len(self.title_words) + len(self.body_words),
            "vectors": 2 * self.word_vectors.vectors.shape[1] if self.word_vectors is not None else 0,
            "taxonomy": 2 * len(self.keywords),
        }
        out, start = {}, 0
        for name, width in widths.items():
            out[name] = range(start, start + width)
            start += width
        return out

    def view_columns(self) -> tuple[np.ndarray, np.ndarray]:
        """The columns of the title view and of the body view (every block has a title half and a body half):
        the two views co-training learns from."""
        width = self.word_vectors.vectors.shape[1] if self.word_vectors is not None else 0
        halves = [
            (len(self.title_chars), len(self.body_chars)),
            (len(self.title_words), len(self.body_words)),
            (width, width),
            (len(self.keywords), len(self.keywords)),
        ]
        title: list[np.ndarray] = []
        body: list[np.ndarray] = []
        start = 0
        for first, second in halves:
            title.append(np.arange(start, start + first))
            body.append(np.arange(start + first, start + first + second))
            start += first + second
        return np.concatenate(title), np.concatenate(body)

    @property
    def n_features(self) -> int:
        blocks = [self.title_chars, self.body_chars, self.title_words, self.body_words]
        n = sum(len(b) for b in blocks)
        if self.word_vectors is not None:
            n += 2 * self.word_vectors.vectors.shape[1]
        return n + 2 * len(self.keywords)
