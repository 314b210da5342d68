"""Similar-text detection over Kiwi terms: rewordings match across particles, endings, spacing and synonyms;
unrelated texts and texts on a neighbouring subject stay under the threshold. The TF-IDF arithmetic is checked
on a corpus small enough to compute by hand."""

from __future__ import annotations

import math

import pytest

from mokmin.text import Analyzer, default_dictionary
from mokmin.text.similar import STOP_TERMS, THRESHOLD, SimilarityIndex, canonical_terms, text_terms

CORPUS = {
    "parking": ("이면도로 불법 주정차 단속 강화", "초등학교 앞 이면도로에 불법 주정차 차량이 많아 아이들 통학이 위험합니다.",
                "단속 카메라를 설치하고 집중 단속을 해 주세요."),
    "lot": ("공영주차장 추가 조성", "주택가에 주차 공간이 부족합니다.", "유휴 부지에 공영주차장을 만들어 주세요."),
    "waste": ("음식물 쓰레기 수거함 확대", "음식물 쓰레기 수거함이 부족해 악취가 납니다.", "아파트 단지마다 수거함을 늘려 주세요."),
    "childcare": ("국공립 어린이집 확충", "어린이집 대기 기간이 깁니다.", "국공립 어린이집을 더 지어 주세요."),
    "shade": ("공원 그늘막 설치", "여름에 공원에 그늘이 없어 어르신들이 힘듭니다.", "공원 벤치 옆에 그늘막을 설치해 주세요."),
    "light": ("골목길 보안등 교체", "밤에 골목길이 어두워 무섭습니다.", "LED 보안등으로 교체해 주세요."),
}


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(default_dictionary())


@pytest.fixture(scope="module")
def index(analyzer) -> SimilarityIndex:
    return SimilarityIndex({key: text_terms(analyzer, *texts) for key, texts in CORPUS.items()})


@pytest.mark.parametrize(("texts", "expected"), [
    # other particles and endings, joined spelling (불법주차), and the synonym 주차 = 주정차
    (("학교 앞 골목 불법주차 단속해주세요", "통학로 이면도로에 불법으로 주차한 차량들 때문에 학생들이 위험해요.",
      "카메라로 단속하여 주시기 바랍니다."), "parking"),
    (("음식물쓰레기 수거함을 늘려주세요", "수거함이 모자라서 냄새가 심합니다.", "단지별로 음식물 쓰레기 수거함 확대 설치"), "waste"),
    (("어린이집이 부족합니다", "국공립어린이집 입소 대기가 너무 길어요", "국공립 어린이집 확충을 바랍니다"), "childcare"),
    (("공원에 그늘막이 필요해요", "한여름 공원 벤치에 그늘이 하나도 없습니다", "그늘막 설치"), "shade"),
])
def test_rewordings_match_their_original_only(analyzer, index, texts, expected):
    found = index.similar(text_terms(analyzer, *texts))
    assert [m.key for m in found] == [expected]
    assert found[0].score >= THRESHOLD


@pytest.mark.parametrize("texts", [
    ("구립 도서관 운영시간 연장", "퇴근 후 도서관을 이용하기 어렵습니다.", "구립 도서관을 밤 10시까지 열어 주세요."),
    ("경로당 냉방비 지원", "경로당 전기요금이 부담입니다.", "여름철 냉방비를 지원해 주세요."),
    ("반려견 놀이터 조성", "반려견과 산책할 곳이 없습니다.", "하천변에 반려견 놀이터를 만들어 주세요."),
])
def test_unrelated_proposals_do_not_match(analyzer, index, texts):
    terms = text_terms(analyzer, *texts)
    assert index.similar(terms) == []
    assert max(index.score(terms, key) for key in CORPUS) < 0.15


def test_a_neighbouring_subject_stays_below_the_threshold(analyzer, index):
    """A parking *lot* and parking *enforcement* share 주차 but ask for different things."""
    terms = text_terms(analyzer, "주차장이 부족합니다", "주택가 주차난이 심각합니다", "빈 땅에 공영 주차장 조성")
    assert [m.key for m in index.similar(terms)] == ["lot"]
    assert index.score(terms, "parking") < THRESHOLD


def test_synonyms_fold_to_one_term_and_genre_words_drop(analyzer):
    assert canonical_terms(analyzer, "주차 단속") == canonical_terms(analyzer, "주정차 단속")
    terms = canonical_terms(analyzer, "주민 불편 개선 방안을 제안합니다")
    assert not set(terms) & STOP_TERMS and "불편" in terms


def test_tfidf_cosine_by_hand():
    """Corpus a = [x, y], b = [x, z]; N = 2, df(x) = 2, df(y) = df(z) = 1.
    idf(x) = ln(3/3) + 1 = 1, idf(y) = idf(z) = ln(3/2) + 1 = 1.405465.
    Query [x, y] has the same vector as a: cosine 1. Against b: (1 · 1) / (1 + 1.405465²) = 0.336125."""
    index = SimilarityIndex({"a": ["x", "y"], "b": ["x", "z"]})
    idf_y = math.log(1.5) + 1
    assert index.idf("x") == pytest.approx(1.0) and index.idf("y") == pytest.approx(idf_y)
    assert index.score(["x", "y"], "a") == pytest.approx(1.0)
    assert index.score(["x", "y"], "b") == pytest.approx(1 / (1 + idf_y ** 2))
    found = index.similar(["x", "y"], threshold=0.3, exclude=["a"])
    assert [(m.key, m.shared) for m in found] == [("b", ("x",))]
    assert index.similar([]) == [] and index.similar(["q"]) == []
    assert SimilarityIndex({}).similar(["x"]) == []


def test_repeated_terms_count_sublinearly():
    """tf = 1 + ln(count): four 'x' weigh 1 + ln 4 = 2.386, not 4."""
    index = SimilarityIndex({"a": ["x", "y"], "b": ["x", "x", "x", "x", "y"]})
    assert index.score(["x", "y"], "a") > index.score(["x", "y"], "b") > 0.9
