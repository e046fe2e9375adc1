"""The training parameters, stored with every model."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any


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
    # Co-training of the title and body views (0 rounds disables it; it replaces self-training): each round,
    # a classifier on each view labels, for the other view, the unlabelled appeals it is surest of, as many per
    # class as the labelled class shares predict: per round ``cotrain_share`` times the number of labelled
    # appeals, half from each view.
    cotrain_rounds: int = 0
    cotrain_share: float = 0.1
    # Sample weight of the taxonomy's class descriptions taken as weakly labelled appeals (one per second-level
    # category: its name as title, its third-level names as body, its first-level class as label, for the classes
    # the labelled appeals use); 0 leaves them out.
    description_weight: float = 0.0
    calibration_folds: int = 5
    seed: int = 0


def with_params(base: Params | None = None, **changes: Any) -> Params:
    """``base`` (or the defaults) with some fields changed; unknown names raise TypeError."""
    return replace(base or Params(), **changes)
