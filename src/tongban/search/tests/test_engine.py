"""The engine on a small, hand-made corpus (no Django): segmentation, lexicon, typos, pinyin, ranking."""

import pytest

from tongban.search import text
from tongban.search.engine import SearchEngine
from tongban.search.types import LexEntry, SearchDoc

DOCS = [
    SearchDoc(
        "item",
        "food",
        "食品经营许可",
        "上海市市场监督管理局",
        "samr",
        "Food business licence",
        keywords="餐饮 开店卖吃的",
        summary="经营餐饮、销售食品，先办食品经营许可证。",
        audiences=frozenset({"legal"}),
    ),
    SearchDoc(
        "item",
        "company",
        "企业设立登记",
        "上海市市场监督管理局",
        "samr",
        "Company registration",
        keywords="开公司 营业执照",
        summary="设立企业，领取营业执照。",
        audiences=frozenset({"legal"}),
    ),
    SearchDoc(
        "item",
        "gjj",
        "住房公积金提取",
        "上海市住房公积金管理中心",
        "gjj",
        "Housing provident fund withdrawal",
        summary="购房、租房等情形提取住房公积金。",
        audiences=frozenset({"natural"}),
    ),
    SearchDoc(
        "item",
        "id",
        "居民身份证申领",
        "上海市公安局",
        "gaj",
        "Resident ID card application",
        summary="申领居民身份证。",
        audiences=frozenset({"natural"}),
        districts=frozenset({"310101"}),
    ),
    SearchDoc(
        "item",
        "disab",
        "残疾人证核发",
        "上海市残疾人联合会",
        "cjrlh",
        "Disability card",
        summary="残疾人申请残疾人证。",
        audiences=frozenset({"natural"}),
    ),
    SearchDoc(
        "item",
        "passport",
        "普通护照签发",
        "上海市公安局",
        "gaj",
        "Ordinary passport issuance",
        summary="出国旅游、留学办理护照。",
        audiences=frozenset({"natural"}),
    ),
    SearchDoc(
        "bundle",
        "restaurant",
        "开办餐饮店一件事",
        "上海市市场监督管理局",
        "samr",
        "Opening a restaurant",
        keywords="餐饮",
        summary="开饭店一次办：营业执照、食品经营许可、招牌。",
        body="企业设立登记 食品经营许可",
        audiences=frozenset({"legal"}),
        members=("food", "company"),
    ),
]
LEXICON = [
    LexEntry("饭馆", "colloquial", ("餐饮", "食品经营许可"), 0.9),
    LexEntry("饭店", "colloquial", ("餐饮",), 0.9),
    LexEntry("公积金", "colloquial", ("住房公积金",), 0.9),
    LexEntry("passport", "english", ("普通护照",), 0.9),
    LexEntry("办", "stopword"),
    LexEntry("什么", "stopword"),
    LexEntry("证", "stopword"),
    LexEntry("啥", "stopword"),
    LexEntry("我", "stopword"),
    LexEntry("想", "stopword"),
]


@pytest.fixture(scope="module")
def engine():
    return SearchEngine.build(DOCS, LEXICON)


def names(result):
    return [h.name for h in result.results]


def test_catalogue_terms_are_added_to_the_segmenter():
    text.add_words(["食品经营许可证"])
    assert "食品经营许可证" in text.segment("申请食品经营许可证")


def test_normalisation_folds_width_and_case():
    assert text.normalize("ＧＪＪ　提取！") == "gjj 提取"


def test_official_name_is_first(engine):
    assert names(engine.search("食品经营许可"))[0] == "食品经营许可"


def test_colloquial_words_reach_the_official_service_through_the_lexicon(engine):
    result = engine.search("我想开个小饭馆要办啥")
    assert names(result)[0] == "开办餐饮店一件事"  # a whole business event: the bundle comes first
    assert "食品经营许可" in names(result)[:3]
    assert any(m.startswith("colloquial:饭馆→") for m in result.results[0].matched_by)


def test_stop_words_do_not_drag_unrelated_items_up(engine):
    # "办" and "证" appear in 残疾人证核发 but mean nothing on their own.
    assert "残疾人证核发" not in names(engine.search("开饭店要办什么证"))[:2]


def test_homophone_typos_are_corrected_with_a_suggestion(engine):
    result = engine.search("营业执找")
    assert names(result)[0] == "企业设立登记"
    assert result.suggestion == "营业执照"
    assert result.results[0].matched_by[0] == "typo:营业执找→营业执照"
    assert names(engine.search("公积今提取"))[0] == "住房公积金提取"


def test_pinyin_and_initials(engine):
    assert names(engine.search("gongjijin tiqu"))[0] == "住房公积金提取"
    assert names(engine.search("zhufanggongjijin"))[0] == "住房公积金提取"
    assert names(engine.search("yyzz"))[0] == "企业设立登记"


def test_english(engine):
    assert names(engine.search("passport"))[0] == "普通护照签发"
    assert names(engine.search("food business licence"))[0] == "食品经营许可"


def test_filters(engine):
    assert set(names(engine.search("申领", audience="legal"))) <= {
        "食品经营许可",
        "企业设立登记",
        "开办餐饮店一件事",
    }
    assert names(engine.search("餐饮", kind="item")) == ["食品经营许可"]
    assert names(engine.search("身份证", district="310115")) == []
    assert names(engine.search("身份证", district="310101")) == ["居民身份证申领"]
    assert names(engine.search("许可", department="gaj")) == []


def test_highlight_is_escaped_and_marks_matches(engine):
    hit = engine.search("食品经营许可").results[0]
    assert "<mark>" in hit.highlight
    result = engine.search("<script>食品")
    assert all("<script>" not in h.highlight for h in result.results)


def test_nothing_matches_nothing(engine):
    assert engine.search("").results == []
    assert engine.search("zzzzqqq").results == []


def test_suggest_by_prefix_and_pinyin(engine):
    assert engine.suggest("食品")[0] == "食品经营许可"
    assert "住房公积金提取" in engine.suggest("zhufang")
    assert "饭馆" in engine.suggest("饭")


class FakeSemantic:
    """Stands in for the embedding model: similarity by a fixed table."""

    def __init__(self, docs, prefer):
        self.codes = [d.code for d in docs]
        self.prefer = prefer

    def __call__(self, query, candidates):
        return [1.0 if self.codes[i] == self.prefer else 0.0 for i in candidates]

    def nearest(self, query, k):
        return [self.codes.index(self.prefer)]


def test_semantic_similarity_blends_into_the_ranking_and_adds_recall():
    engine = SearchEngine.build(DOCS, LEXICON, semantic=FakeSemantic(DOCS, "disab"))
    # No word of this query is in the corpus: meaning alone finds the document.
    result = engine.search("行动不便人士的证明")
    assert names(result)[0] == "残疾人证核发" and result.results[0].matched_by == ["semantic"]
    lexical_only = SearchEngine.build(DOCS, LEXICON)
    assert (
        lexical_only.search("行动不便人士的证明").results == []
        or names(lexical_only.search("行动不便人士的证明"))[0] != "残疾人证核发"
    )
