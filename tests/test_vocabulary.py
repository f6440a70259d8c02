"""helpers.vocabulary (01_vocabulary.ipynb) reproduces the article and refuses bad input clearly."""

from __future__ import annotations

import torch

from helpers import SENTENCE, build_vocabulary, encode, split_words

ARTICLE_VOCABULARY = {
    "The": 0, "a": 1, "brown": 2, "dog": 3, "fox": 4, "jumps": 5, "lazy": 6, "over": 7, "quick": 8,
}  # fmt: skip
ARTICLE_IDS = torch.tensor([0, 8, 2, 4, 5, 7, 1, 6, 3])


def article_step_1(sentence: str) -> tuple[dict[str, int], torch.Tensor]:
    """The article's own code for step 1, verbatim but for the names."""
    dc = {s: i for i, s in enumerate(sorted(sentence.replace(",", "").split()))}
    r = [dc[i] for i in sentence.replace(",", "").split()]
    return dc, torch.tensor(r)


def test_vocabulary_and_ids_match_the_article() -> None:
    dc, sentence_int = article_step_1(SENTENCE)
    assert dc == ARTICLE_VOCABULARY
    assert torch.equal(sentence_int, ARTICLE_IDS)
    assert build_vocabulary(SENTENCE) == dc
    ids = encode(SENTENCE, build_vocabulary(SENTENCE))
    assert torch.equal(ids, sentence_int)
    assert ids.dtype == torch.int64 and ids.shape == (9,)


def test_split_words_strips_commas_only() -> None:
    assert split_words("Life is short, eat dessert first") == [
        "Life", "is", "short", "eat", "dessert", "first",
    ]  # fmt: skip
    assert split_words("a lazy dog.") == ["a", "lazy", "dog."]
    assert split_words("  spaced   out\ttabs\n") == ["spaced", "out", "tabs"]


def test_build_vocabulary_has_no_gaps_when_words_repeat() -> None:
    assert build_vocabulary("the dog saw the cat") == {"cat": 0, "dog": 1, "saw": 2, "the": 3}


def test_uppercase_sorts_first() -> None:
    assert build_vocabulary("the The") == {"The": 0, "the": 1}


def test_encode_keeps_sentence_order_and_repeats() -> None:
    vocabulary = build_vocabulary("the dog saw the cat")
    assert encode("the cat saw the dog", vocabulary).tolist() == [3, 0, 2, 3, 1]
