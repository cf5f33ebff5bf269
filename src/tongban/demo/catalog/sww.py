"""上海市商务委员会 (sww) — liquor retail and prepaid cards."""

from __future__ import annotations

from tongban.demo.catalog.spec import BUSINESS, LICENSING, OTHER_POWER, Item, e, m

DEPT = "sww"
PREFIX = "001501"

_SHOP = ("company_name", "uscc", "business_address", "legal_rep_name", "mobile")

ITEMS: list[Item] = [
    Item(
        no=1,
        name="酒类商品零售许可",
        name_en="Liquor retail licence",
        type=LICENSING,
        summary="饭店、超市、便利店要卖酒，先申请酒类商品零售许可，可以在开店一件事里一起办。",
        keywords="卖酒 酒类许可 烟酒店 酒水 啤酒 白酒 酒类零售许可证",
        audience=BUSINESS,
        bases=(("上海市酒类商品产销管理条例", "第三条"), ("中华人民共和国食品安全法", "第三十五条")),
        conditions="已取得营业执照；有固定的经营场所和符合食品安全要求的贮存条件；有酒类商品进货查验和"
        "索证索票等管理制度；不向未成年人销售酒类。",
        steps=("网上提交申请", "审查材料", "作出许可决定", "发放酒类商品零售许可证"),
        materials=(
            m("application_form", "酒类商品零售许可申请表"),
            e("business_license"),
            e("food_safety_rules", "酒类商品经营管理制度"),
            e("premises_proof", "经营场所使用证明"),
        ),
        result="酒类商品零售许可证",
        license="liquor_licence",
        topics=("permits",),
        fields=(*_SHOP, "business_items"),
        legal=20,
        promised=5,
        faqs=(
            (
                "已经办了食品经营许可证还要办吗？",
                "本市已将酒类经营纳入食品经营许可的经营项目，可在申请食品经营许可时一并勾选“含酒类”。",
            ),
        ),
    ),
    Item(
        no=2,
        name="单用途商业预付卡备案",
        name_en="Filing for single-purpose prepaid cards",
        type=OTHER_POWER,
        summary="理发店、健身房、餐饮店等发行会员卡、储值卡，要在开展业务后30日内备案。",
        keywords="预付卡 会员卡 储值卡 办卡 充值卡 预付卡备案",
        audience=BUSINESS,
        bases=(("单用途商业预付卡管理办法（试行）", "第七条"), ("上海市单用途预付消费卡管理规定", "")),
        conditions="发卡企业自开展单用途卡业务之日起30日内备案。",
        steps=("网上填报备案信息", "即时备案", "按规定报送资金存管信息"),
        materials=(
            m("application_form", "单用途商业预付卡发卡企业备案表"),
            e("business_license"),
            e("quality_rules", "预付卡章程或协议样本"),
        ),
        result="单用途预付卡备案回执",
        topics=("permits",),
        fields=_SHOP,
    ),
]
