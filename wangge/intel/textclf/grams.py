"""Character n-grams packed into int64 codes, and TF-IDF blocks over those codes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

NO_IDS = np.zeros(0, dtype=np.int64)
NO_VALUES = np.zeros(0, dtype=np.float32)


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
            return NO_IDS
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
            return NO_IDS
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


def unit_vector(v: np.ndarray) -> np.ndarray:
    norm = float(np.sqrt(v @ v))
    return v / norm if norm > 0 else v


def stack_rows(rows: Sequence[tuple[np.ndarray, np.ndarray]], width: int) -> sp.csr_matrix:
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(ids) for ids, _v in rows])
    indices = np.concatenate([ids for ids, _v in rows]) if rows else NO_IDS
    data = np.concatenate([v for _i, v in rows]).astype(np.float32) if rows else NO_VALUES
    return sp.csr_matrix((data, indices, indptr), shape=(len(rows), width))


class GramBlock:
    """TF-IDF of n-gram codes: sublinear tf, smooth idf, L2-normalised rows, codes found in at least
    ``min_df`` fitting texts (optionally only codes of an allowed set, e.g. the lexicon words).
    The numbers of scikit-learn's TfidfVectorizer with ``sublinear_tf=True``; column j is the
    j-th smallest code."""

    def __init__(self, min_df: int) -> None:
        self.min_df = min_df
        self.codes: np.ndarray = NO_IDS
        self.idf: np.ndarray = NO_VALUES

    def fit_transform(self, texts_codes: Iterable[np.ndarray], allowed: np.ndarray | None = None) -> sp.csr_matrix:
        uniques = []
        for codes in texts_codes:
            if allowed is not None:
                codes = codes[_member(allowed, codes)]
            uniques.append(np.unique(codes, return_counts=True))
        every = np.concatenate([u for u, _c in uniques]) if uniques else NO_IDS
        vocab, df = np.unique(every, return_counts=True)
        keep = df >= self.min_df
        self.codes = vocab[keep]
        self.idf = (np.log((1 + len(uniques)) / (1 + df[keep])) + 1).astype(np.float32)
        return stack_rows([self._row(u, c) for u, c in uniques], len(self.codes))

    def row(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Column ids and TF-IDF values of one text's n-gram codes (unknown codes ignored)."""
        unique, counts = np.unique(codes, return_counts=True)
        return self._row(unique, counts)

    def _row(self, unique: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if not len(unique) or not len(self.codes):
            return NO_IDS, NO_VALUES
        pos = np.minimum(np.searchsorted(self.codes, unique), len(self.codes) - 1)
        hit = self.codes[pos] == unique
        cols = pos[hit]
        tf = counts[hit].astype(np.float32)
        return cols, unit_vector((np.log(tf) + 1) * self.idf[cols])

    def __len__(self) -> int:
        return len(self.codes)


def _member(sorted_codes: np.ndarray, codes: np.ndarray) -> np.ndarray:
    if not len(sorted_codes):
        return np.zeros(len(codes), dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_codes, codes), len(sorted_codes) - 1)
    return sorted_codes[pos] == codes
