"""Find texts that say nearly the same thing: TF-IDF cosine over Kiwi terms, for duplicate-proposal detection.

Why terms and not words: Korean glues particles and endings to words, so "불법 주정차를 단속해 주세요" and
"불법주차한 차량들을 단속하여야" share no whitespace token although they ask for the same thing. Through
:class:`mokmin.text.analyzer.Analyzer` both become nouns and verb lemmas (불법, 주정차/주차, 단속, ...), and the
administrators' synonym groups are folded to one term each (주정차 = 주차 -> one term), so inflections, particles,
spacing and registered synonyms no longer matter.

Formulation. For a corpus of ``N`` documents, a term ``t`` found in ``df(t)`` of them has the smoothed inverse
document frequency ``idf(t) = ln((1 + N) / (1 + df(t))) + 1`` (scikit-learn's ``smooth_idf``; a term the corpus
has never seen gets the highest weight, ``ln(1 + N) + 1``). A text with ``c(t)`` occurrences of ``t`` is the
vector ``w(t) = (1 + ln c(t)) · idf(t)`` (sublinear tf: a word repeated five times is not five times the topic),
and two texts score the cosine of their vectors, in [0, 1]. The title's terms count twice (a title states the
idea; the body describes circumstances).

Threshold: :data:`THRESHOLD` = 0.30 was read off the Korean pairs in ``tests/text/test_similar.py``: the same
request reworded (other particles, endings, spacing and synonyms) scores 0.6-0.9; a proposal on a neighbouring
subject (a parking *lot* against parking *enforcement*, sharing 주차) about 0.06; unrelated ones at most 0.16 (one
shared word). The line sits low because a false "similar" costs the proposer a glance, a missed duplicate costs a
department a second review; the web shell applies it to the proposal's whole text, so a short title alone does
not decide.

:data:`STOP_TERMS` drops the words every proposal uses (제안, 개선, 방안, 필요, 주민...) that carry no topic.
Pure: no Django; the web shell stores each proposal's terms and builds the index from them.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from mokmin.text.analyzer import Analyzer

__all__ = ["STOP_TERMS", "THRESHOLD", "Match", "SimilarityIndex", "canonical_terms", "text_terms"]

THRESHOLD = 0.30
"""Cosine at or above which two texts are reported as similar (see the module docstring)."""

STOP_TERMS = frozenset({
    "제안", "개선", "방안", "필요", "문제", "문제점", "현황", "기대", "효과", "경우", "때문", "생각", "방법", "부분",
    "주민", "구민", "시민", "바라다", "주다", "같다", "많다", "위하다", "통하다", "대하다", "따르다", "보다", "가다",
    "오다", "늘다", "좋다", "없다", "어렵다", "이용", "현재", "정도", "요청", "우리", "지역", "곳",
    "만들다", "설치", "조성", "추가", "확대", "마련", "운영", "지원",
})
"""Words of the proposal genre itself, including its generic verbs of doing (만들다, 설치, 조성, 확대, 운영, 지원):
they would make every proposal look a little like every other."""

K = TypeVar("K", bound=Hashable)


def canonical_terms(analyzer: Analyzer, text: str) -> list[str]:
    """``text``'s terms with each synonym run replaced by its group's first member in sort order (주정차 and 주차
    both become 주정차), and :data:`STOP_TERMS` removed."""
    terms = analyzer.terms(text)
    out: list[str] = []
    position = 0
    for expansion in analyzer.expand(terms):
        out.extend(terms[position:expansion.start])
        run = tuple(terms[expansion.start:expansion.start + expansion.length])
        out.append("_".join(min((run, *expansion.alternatives))))
        position = expansion.start + expansion.length
    out.extend(terms[position:])
    return [t for t in out if t not in STOP_TERMS]


def text_terms(analyzer: Analyzer, title: str, *bodies: str) -> list[str]:
    """The terms a proposal is compared by: its title's twice, then its bodies' (see the module docstring)."""
    heading = canonical_terms(analyzer, title)
    body = [t for text in bodies for t in canonical_terms(analyzer, text)]
    return heading + heading + body


@dataclass(frozen=True)
class Match(Generic[K]):
    """A similar document: its key, the cosine, and the shared terms that weigh most (for "why similar?")."""

    key: K
    score: float
    shared: tuple[str, ...]


class SimilarityIndex(Generic[K]):
    """TF-IDF vectors of a corpus of term lists, queried by cosine. Immutable once built."""

    def __init__(self, documents: Mapping[K, Sequence[str]]) -> None:
        counts = {key: Counter(terms) for key, terms in documents.items()}
        self._df: Counter[str] = Counter()
        for bag in counts.values():
            self._df.update(bag.keys())
        self._n = len(counts)
        self._vectors = {key: self._vector(bag) for key, bag in counts.items() if bag}

    def __len__(self) -> int:
        return self._n

    def idf(self, term: str) -> float:
        return math.log((1 + self._n) / (1 + self._df[term])) + 1.0

    def _vector(self, bag: Mapping[str, int]) -> dict[str, float]:
        weights = {t: (1.0 + math.log(c)) * self.idf(t) for t, c in bag.items() if c > 0}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        return {t: w / norm for t, w in weights.items()} if norm else {}

    def score(self, terms: Iterable[str], key: K) -> float:
        """The cosine between ``terms`` and the document ``key`` (0 for an unknown key)."""
        query, doc = self._vector(Counter(terms)), self._vectors.get(key, {})
        return sum(w * doc.get(t, 0.0) for t, w in query.items())

    def similar(self, terms: Iterable[str], *, threshold: float = THRESHOLD, limit: int = 5,
                exclude: Iterable[K] = ()) -> list[Match[K]]:
        """Documents whose cosine with ``terms`` is at least ``threshold``, best first (ties by key order of
        the corpus), at most ``limit``; ``exclude`` keys (the text itself, say) are skipped."""
        query = self._vector(Counter(terms))
        if not query:
            return []
        skip = set(exclude)
        found: list[Match[K]] = []
        for key, doc in self._vectors.items():
            if key in skip:
                continue
            products = {t: w * doc[t] for t, w in query.items() if t in doc}
            total = sum(products.values())
            if total >= threshold:
                shared = tuple(t for t, _w in sorted(products.items(), key=lambda p: -p[1])[:5])
                found.append(Match(key, round(min(total, 1.0), 4), shared))
        found.sort(key=lambda m: -m.score)
        return found[:limit]
