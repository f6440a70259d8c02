"""Step 1 of 7: words, a vocabulary, and ids (introduced in 01_vocabulary.ipynb)."""

from __future__ import annotations

from collections.abc import Mapping

import torch

from helpers._validate import describe, require_sentence


def split_words(sentence: str) -> list[str]:
    """Split ``sentence`` into words the way the article does.

    Commas are removed, then the text is split on whitespace. Nothing else changes:
    case is kept (``'The'`` and ``'the'`` are different words) and other punctuation
    stays attached (``'dog.'`` is not ``'dog'``).

    Introduced in 01_vocabulary.ipynb ("From a sentence to words").

    >>> split_words("Life is short, eat dessert first")
    ['Life', 'is', 'short', 'eat', 'dessert', 'first']

    Raises:
        TypeError: ``sentence`` is not a ``str``.
        ValueError: ``sentence`` is empty or only whitespace.
    """
    require_sentence("sentence", sentence)
    return sentence.replace(",", "").split()


def build_vocabulary(sentence: str) -> dict[str, int]:
    """Number the distinct words of ``sentence`` in sorted order, starting at 0.

    Sorting is Python's default string order, in which every uppercase letter comes
    before every lowercase one, so ``'The'`` gets id 0 in the course's sentence.
    A word that occurs several times gets one id, and the ids have no gaps
    (the article's one-liner skips ids when a word repeats; the lesson shows why).

    Introduced in 01_vocabulary.ipynb ("A vocabulary: one id per word").

    >>> build_vocabulary("the cat saw the dog")
    {'cat': 0, 'dog': 1, 'saw': 2, 'the': 3}

    Raises:
        TypeError: ``sentence`` is not a ``str``.
        ValueError: ``sentence`` is empty or only whitespace.
    """
    words = split_words(sentence)
    return {word: index for index, word in enumerate(sorted(set(words)))}


def encode(sentence: str, vocabulary: Mapping[str, int]) -> torch.Tensor:
    """Turn ``sentence`` into a 1-D tensor of word ids, one per word, in sentence order.

    The result has shape ``(number of words,)`` and dtype ``torch.int64``, which is
    what ``nn.Embedding`` (step 2) expects.

    Introduced in 01_vocabulary.ipynb ("The sentence as a tensor of ids").

    >>> encode("a lazy dog", {"a": 0, "dog": 1, "lazy": 2})
    tensor([0, 2, 1])

    Raises:
        TypeError: ``sentence`` is not a ``str``, or ``vocabulary`` is not a mapping
            from words to ints.
        ValueError: ``sentence`` is empty, or holds a word that ``vocabulary`` lacks.
    """
    words = split_words(sentence)
    if not isinstance(vocabulary, Mapping):
        raise TypeError(
            f"vocabulary must be a dict from words to ids, like build_vocabulary() returns; "
            f"got {describe(vocabulary)}."
        )
    if not vocabulary:
        raise ValueError("vocabulary must hold at least one word; got an empty dict.")
    bad_ids = {w: i for w, i in vocabulary.items() if isinstance(i, bool) or not isinstance(i, int)}
    if bad_ids:
        word, value = next(iter(bad_ids.items()))
        raise TypeError(
            f"vocabulary must map each word to an int id; got {describe(value)} for {word!r}."
        )
    negative = {w: i for w, i in vocabulary.items() if i < 0}
    if negative:
        word, value = next(iter(negative.items()))
        raise ValueError(f"vocabulary ids must be zero or positive; got {value} for {word!r}.")
    unknown = [word for word in words if word not in vocabulary]
    if unknown:
        known = ", ".join(repr(w) for w in sorted(vocabulary)[:12])
        more = ", ..." if len(vocabulary) > 12 else ""
        raise ValueError(
            f"sentence has words that are not in vocabulary: {', '.join(map(repr, unknown))}. "
            f"Expected only known words: {known}{more}. "
            "(Words are case-sensitive and only commas are stripped.)"
        )
    return torch.tensor([vocabulary[word] for word in words], dtype=torch.int64)
