"""The seed search lexicon: how people talk (生活化用语) → the words the catalogue uses.

``LEXICON`` is plain data, the seed: ``search.seed.load_seed_lexicon`` (run by ``load_demo`` and
``load_lexicon``) adds its missing entries to the editable :class:`tongban.search.models.LexiconEntry`
table, where staff extend it from the zero-result report (see docs/search-lexicon.md). The engine adds
an entry's ``expansions`` to a query that contains its ``term``, with the entry's ``weight``; stop
words are dropped from the query.

Kinds (:class:`tongban.search.constants.LexiconKind`):

* ``colloquial`` — everyday wording → official terms (饭馆 → 餐饮, 食品经营), in ``lexicon_colloquial``;
* ``english`` — English words and service names → Chinese terms, in ``lexicon_english``;
* ``synonym`` — interchangeable official words (许可 ↔ 许可证, 补领 ↔ 补办);
* ``intent`` — what a verb says the person wants to do (丢了 → 补领, 补办), with a low weight;
* ``stopword`` — words that carry nothing for matching (怎么, 需要, 手续 …), no expansions.

Conventions: terms are written as the engine sees them after ``search.text.normalize`` (full-width →
half-width, Latin letters lower-case, punctuation → space: ``driver s license``). Every expansion is a
word that occurs in the catalogue text (item and bundle names, keywords, summaries) —
``test_lexicon_data`` checks this against the seed catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable

from tongban.search.data import lexicon_colloquial, lexicon_english
from tongban.search.types import LexEntry

COLLOQUIAL, SYNONYM, INTENT, STOPWORD, ENGLISH = "colloquial", "synonym", "intent", "stopword", "english"

# Default weight of the expansions, per kind.
WEIGHTS: dict[str, float] = {COLLOQUIAL: 0.9, ENGLISH: 0.9, SYNONYM: 0.8, INTENT: 0.3, STOPWORD: 1.0}

Group = tuple[str, str] | tuple[str, str, float]

# Synonyms whose words all occur in the catalogue: each word expands to the others.
# ``(words, weight)``; generic pairs (申领/申请) get a lower weight than specific ones (燃气/煤气).
SYMMETRIC_SYNONYMS: list[tuple[str, float]] = [
    ("许可 许可证", 0.8),
    ("补领 补办", 0.8),
    ("换领 换证", 0.8),
    ("申领 申请", 0.5),
    ("申领 领取", 0.6),
    ("注销 销户", 0.7),
    ("核发 签发 发证", 0.7),
    ("审批 核准", 0.6),
    ("报装 安装", 0.7),
    ("设立 成立 开办", 0.7),
    ("企业 公司", 0.7),
    ("职工 员工", 0.8),
    ("缴纳 缴费", 0.7),
    ("津贴 补贴 补助", 0.6),
    ("户籍 户口", 0.8),
    ("燃气 煤气 天然气", 0.8),
    ("孩子 小孩 子女", 0.6),
    ("宝宝 新生儿", 0.7),
    ("去世 死亡 离世 过世", 0.8),
    ("房产 不动产 房屋", 0.6),
    ("零售 销售", 0.6),
    ("迁移 转移", 0.5),
    ("认定 鉴定 评定", 0.6),
]

# One-way synonyms: official words the catalogue does not use → the words it does.
ONE_WAY_SYNONYMS: list[Group] = [
    ("注册", "登记"),
    ("登记", "注册", 0.5),
    ("补发 补证 重办 重新办理", "补领 补办"),
    ("换发 更换证件 续期 续签 续办", "换领 换证"),
    ("颁发 发放 发给", "核发 签发"),
    ("更改 修改 更正", "变更"),
    ("支取 取出", "提取"),
    ("缴税 交税 纳税申报", "纳税"),
    ("户口本 户口簿 户口页", "户口"),
    ("老年人 老年 长者", "老人"),
    ("小朋友 小孩子", "孩子"),
    ("逝世 身故 亡故 病故", "去世 死亡"),
    ("房子 房屋产权 产权", "房产 不动产"),
    ("饮食 餐饮服务", "餐饮"),
]

# Intent words: what the person wants to do with the thing they name (low weight: they only break ties).
INTENTS: list[Group] = [
    ("开 想开 新开 开个 开家 开一家", "开办 设立"),
    ("新办 首次 第一次 初次 头一次", "设立 申领"),
    ("换 换个 换新 换一个", "换证 换领 变更"),
    ("补 补个 补一个", "补领 补办"),
    ("丢了 丢失 遗失 掉了 不见了 弄丢 弄丢了 搞丢了 被偷了 找不到了", "补领 补办"),
    ("坏了 损坏 破了 折了 消磁", "补领 换领"),
    ("过期 过期了 到期 到期了 快到期 快过期 失效", "换证 换领"),
    ("取 提 取钱 提钱 取出来 提出来", "提取"),
    ("关掉 关闭 关门 停业 歇业 倒闭 不做了 不开了 不干了", "注销"),
    ("销 撤销 注销掉", "注销"),
    ("改 变 改了 变了 换了 改名 更名 搬了", "变更"),
    ("迁 迁入 迁出 搬过来 转过来", "迁移"),
    ("转 转入 转出 转过去 转到", "转移"),
    ("领 领钱 拿钱 发钱", "申领 领取"),
    ("查 查一下 查查 查询一下", "查询"),
    ("砍 砍掉 砍了", "砍伐"),
    ("开具 开证明 开个证明 出证明 打证明", "开具 证明"),
    ("报 申报一下", "申报"),
    ("交 缴", "缴纳 缴费"),
]

# Stop words: dropped from the query; they only add noise (a word in every summary, or none).
STOPWORDS: str = """
我 我们 我家 俺 你 你们 您 他 她 他们 咱 咱们 自个儿
想 想要 要 要去 打算 准备 得去
怎么 怎样 如何 怎么办 咋办 咋 咋弄 怎么弄 怎么样 怎么搞 如何办理 怎么办理
哪里 在哪 在哪里 在哪儿 哪儿 哪个 哪些 哪家 去哪 去哪里 去哪儿
需要 需要什么 需要哪些 要什么 要哪些 什么 啥 啥的
办 办理 办证 办一下 个 一个 了 的 地 得 着 过 吗 呢 吧 啊 呀 哦 嘛 哈 呗
请问 问一下 想问 想问一下 咨询 你好 您好 麻烦 谢谢 帮忙 帮我 一下
可以 可不可以 能 能不能 能否 是否 会 该 应该 必须 得要
去 在 到 和 跟 与 及 或 或者 给 对 把 被 从 向 让
是 有 有没有 还 就 也 都 又 再 才 很 最 更
这个 那个 这 那 此 其 这些 那些
现在 已经 刚 刚刚 马上 今天 明天
证 手续 流程 材料 步骤 办法 所需 相关 关于 有关 方面 事项 相关手续 办事指南 指南
多久 多长时间 几天 多少钱 费用多少 怎么收费
网上 在线 线上 手机上 一网通办
"""


def _split(words: str, sep: str | None = None) -> list[str]:
    return [w.strip() for w in words.split(sep) if w.strip()]


class _Builder:
    """Collects entries; a term listed twice for one kind gets the union of the expansions, in order,
    and the higher weight. An expansion equal to its own term is dropped."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], tuple[list[str], float]] = {}

    def add(self, kind: str, terms: Iterable[str], expansions: Iterable[str], weight: float | None) -> None:
        expansions = list(expansions)
        weight = WEIGHTS[kind] if weight is None else weight
        for term in terms:
            merged, old_weight = self._entries.get((term, kind), ([], 0.0))
            merged.extend(e for e in expansions if e != term and e not in merged)
            self._entries[term, kind] = (merged, max(old_weight, weight))

    def add_groups(self, kind: str, groups: Iterable[Group], term_sep: str | None = None) -> None:
        for group in groups:
            terms, expansions, *rest = group
            self.add(kind, _split(terms, term_sep), _split(expansions), rest[0] if rest else None)

    def entries(self) -> list[LexEntry]:
        return [
            LexEntry(term=term, kind=kind, expansions=tuple(expansions), weight=weight)
            for (term, kind), (expansions, weight) in self._entries.items()
        ]


def build() -> list[LexEntry]:
    """The seed lexicon, built from the tables of this module and its siblings."""
    b = _Builder()
    b.add_groups(COLLOQUIAL, lexicon_colloquial.GROUPS)
    b.add_groups(ENGLISH, lexicon_english.GROUPS, term_sep="|")
    for words, weight in SYMMETRIC_SYNONYMS:
        group = _split(words)
        for word in group:
            b.add(SYNONYM, [word], [w for w in group if w != word], weight)
    b.add_groups(SYNONYM, ONE_WAY_SYNONYMS)
    b.add_groups(INTENT, INTENTS)
    b.add(STOPWORD, _split(STOPWORDS), [], None)
    return b.entries()


LEXICON: list[LexEntry] = build()
