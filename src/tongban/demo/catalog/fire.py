"""上海市消防救援总队 (fire) — fire safety checks for public venues and construction acceptance."""

from __future__ import annotations

from tongban.demo.catalog.spec import BUSINESS, LICENSING, Item, e, m

DEPT = "fire"
PREFIX = "001101"

FIRE_LAW = "中华人民共和国消防法"

ITEMS: list[Item] = [
    Item(
        no=1,
        name="公众聚集场所投入使用、营业前消防安全检查",
        name_en="Fire safety check before a public venue opens",
        type=LICENSING,
        summary="餐厅、商场、KTV、影院等人员密集场所开业前要过消防检查。作出承诺的可以当场拿到许可，事后核查。",
        keywords="消防检查 消防许可 开业消防 消防验收 餐厅消防 商场消防 KTV消防",
        audience=BUSINESS,
        bases=((FIRE_LAW, "第十五条"), ("公众聚集场所投入使用、营业消防安全检查规则", "")),
        conditions="场所符合消防技术标准和管理规定；建设工程已通过消防验收或备案（依法需要的）；"
        "申请人作出承诺并提交规定的材料。",
        steps=(
            "网上提交申请并签署告知承诺书",
            "审查材料",
            "当场作出许可决定（告知承诺方式）",
            "消防救援机构在规定期限内现场核查",
        ),
        materials=(
            m("application_form", "公众聚集场所投入使用、营业消防安全检查申请表"),
            e("business_license"),
            e("commitment_letter", "消防安全告知承诺书"),
            e("site_plan", "场所平面布置图和消防设施平面图"),
            e("fire_safety_docs"),
            e("fire_acceptance_opinion", when="依法需要消防验收的建设工程"),
        ),
        result="公众聚集场所投入使用、营业消防安全检查合格证",
        license="fire_inspection_cert",
        topics=("permits", "safety"),
        fields=("company_name", "uscc", "business_address", "legal_rep_name", "mobile", "shop_area"),
        legal=10,
        promised=3,
        legal_note="采用告知承诺方式的当场作出许可决定；不采用告知承诺的，自受理之日起10个工作日内现场检查。",
        faqs=(
            (
                "小餐馆也要办消防检查吗？",
                "属于公众聚集场所（如营业面积较大的餐饮场所）的需要办理；具体范围以消防救援机构公布为准。",
            ),
        ),
    ),
    Item(
        no=2,
        name="建设工程消防验收",
        name_en="Fire acceptance of a construction project",
        type=LICENSING,
        summary="特殊建设工程竣工后，建设单位要申请消防验收，验收合格才能投入使用。",
        keywords="消防验收 竣工消防 建筑消防 工程验收",
        audience=BUSINESS,
        bases=((FIRE_LAW, "第十三条"), ("建设工程消防设计审查验收管理暂行规定", "")),
        conditions="特殊建设工程已完成竣工验收消防查验；有符合要求的工程竣工验收报告和消防设施检测合格证明。",
        steps=("网上提交验收申请", "审查材料", "组织现场评定", "出具消防验收意见书"),
        materials=(
            m("application_form", "特殊建设工程消防验收申请表"),
            e("acceptance_report"),
            e("equipment_docs", "消防设施检测合格证明"),
            e("construction_permit"),
        ),
        result="建设工程消防验收意见书",
        topics=("construction",),
        fields=("company_name", "uscc", "project_name", "project_address", "building_area", "mobile"),
        legal=15,
        promised=10,
        legal_note="自受理之日起15日内出具消防验收意见。",
    ),
]
