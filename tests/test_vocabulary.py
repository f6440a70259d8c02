"""helpers.vocabulary (01_vocabulary.ipynb) reproduces the article and refuses bad input clearly."""

from __future__ import annotations

import re
from typing import Any

import pytest
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


BAD_SENTENCES: list[tuple[Any, type[Exception], str]] = [
    (None, TypeError, "sentence must be a string of words; got None (type NoneType)"),
    (42, TypeError, "sentence must be a string of words; got 42 (type int)"),
    (["The", "dog"], TypeError, "got ['The', 'dog'] (type list)"),
    (b"The dog", TypeError, "got b'The dog' (type bytes)"),
    ("", ValueError, "sentence must contain at least one word; got '', which is empty"),
    ("   \t\n", ValueError, "got '   \\t\\n', which is empty or only whitespace"),
]


@pytest.mark.parametrize(("sentence", "error", "message"), BAD_SENTENCES)
@pytest.mark.parametrize("function", ["split_words", "build_vocabulary", "encode"])
def test_bad_sentences_are_refused_clearly(
    function: str, sentence: Any, error: type[Exception], message: str
) -> None:
    call = {
        "split_words": lambda: split_words(sentence),
        "build_vocabulary": lambda: build_vocabulary(sentence),
        "encode": lambda: encode(sentence, ARTICLE_VOCABULARY),
    }[function]
    with pytest.raises(error, match=re.escape(message)):
        call()


@pytest.mark.parametrize(
    ("vocabulary", "error", "message"),
    [
        (None, TypeError, "vocabulary must be a dict from words to ids"),
        (["The", "dog"], TypeError, "got ['The', 'dog'] (type list)"),
        ({}, ValueError, "vocabulary must hold at least one word; got an empty dict"),
        (
            {"The": "0", "dog": 1},
            TypeError,
            "must map each word to an int id; got '0' (type str) for 'The'",
        ),
        ({"The": 0.0, "dog": 1}, TypeError, "got 0.0 (type float) for 'The'"),
        ({"The": True, "dog": 1}, TypeError, "got True (type bool) for 'The'"),
        ({"The": -1, "dog": 1}, ValueError, "ids must be zero or positive; got -1 for 'The'"),
    ],
)
def test_bad_vocabularies_are_refused_clearly(
    vocabulary: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=re.escape(message)):
        encode("The dog", vocabulary)


@pytest.mark.parametrize(
    ("sentence", "message"),
    [
        ("The quick brown cat", "not in vocabulary: 'cat'. Expected only known words: 'The', 'a'"),
        ("the dog", "not in vocabulary: 'the'"),
        ("The lazy dog.", "not in vocabulary: 'dog.'"),
    ],
)
def test_unknown_words_are_named(sentence: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        encode(sentence, ARTICLE_VOCABULARY)
