"""上海市发展和改革委员会 (fgw) — credit repair and investment projects."""

from __future__ import annotations

from tongban.demo.catalog.spec import BUSINESS, LICENSING, OTHER_POWER, Item, e, m

DEPT = "fgw"
PREFIX = "002001"

INVESTMENT = "企业投资项目核准和备案管理条例"
_PROJECT = (
    "company_name",
    "uscc",
    "legal_rep_name",
    "mobile",
    "project_name",
    "project_address",
    "total_investment",
)

ITEMS: list[Item] = [
    Item(
        no=1,
        name="信用修复",
        name_en="Credit repair",
        type=OTHER_POWER,
        summary="企业受到行政处罚被公示后，已经改正并履行处罚的，可以申请提前停止公示，修复信用。",
        keywords="信用修复 行政处罚公示 失信 信用中国 撤下处罚信息 信用记录",
        audience=BUSINESS,
        bases=(("失信行为纠正后的信用信息修复管理办法（试行）", ""), ("上海市社会信用条例", "第三十八条")),
        conditions="已履行行政处罚决定规定的义务，纠正了失信行为；最短公示期已届满；已作出信用承诺。"
        "严重失信主体名单等另有规定的从其规定。",
        steps=(
            "网上提交信用修复申请和信用承诺书",
            "核实失信行为纠正情况",
            "作出修复决定",
            "同步停止在信用中国（上海）等网站公示",
        ),
        materials=(
            m("application_form", "信用修复申请书"),
            e("penalty_fulfilment"),
            m("commitment_letter", "信用修复承诺书"),
            e("credit_report"),
        ),
        result="信用修复决定",
        topics=("credit",),
        fields=(
            "company_name",
            "uscc",
            "legal_rep_name",
            "mobile",
            "penalty_decision_number",
            "credit_record_type",
        ),
        legal=5,
        promised=3,
        legal_note="依失信行为纠正后的信用信息修复管理规定的办理时限。",
        faqs=(("修复后处罚记录就没有了吗？", "修复后停止在信用网站公开公示，但处罚决定本身依法保存。"),),
    ),
    Item(
        no=2,
        name="企业投资项目核准",
        name_en="Approval of an enterprise investment project",
        type=LICENSING,
        summary="列入政府核准目录的企业投资项目，开工前要报发展改革部门核准。",
        keywords="项目核准 投资项目 核准目录 立项",
        audience=BUSINESS,
        bases=((INVESTMENT, "第三条"), (INVESTMENT, "第九条")),
        conditions="项目属于政府核准的投资项目目录范围；符合国家法律法规和宏观调控政策、发展规划、"
        "产业政策和技术标准；合理开发并有效利用资源；不影响国家安全和公共利益。",
        steps=("在投资项目在线审批监管平台提交项目申请报告", "审查，必要时委托评估", "作出核准决定"),
        materials=(
            m("application_form", "企业投资项目核准申请表"),
            e("feasibility_report"),
            e("business_license"),
        ),
        result="项目核准文件",
        topics=("construction",),
        fields=_PROJECT,
        legal=20,
        legal_note="核准机关应当自受理申请之日起20个工作日内作出是否予以核准的决定。",
        promised=10,
    ),
    Item(
        no=3,
        name="企业投资项目备案",
        name_en="Filing of an enterprise investment project",
        type=OTHER_POWER,
        summary="不在核准目录里的企业投资项目，开工前在网上告知项目信息完成备案即可。",
        keywords="项目备案 投资备案 立项备案 企业投资",
        audience=BUSINESS,
        bases=((INVESTMENT, "第三条"), (INVESTMENT, "第十三条")),
        conditions="项目不属于核准目录范围；项目信息真实、完整。",
        steps=("在投资项目在线审批监管平台填报项目信息", "即时备案", "生成项目代码"),
        materials=(m("application_form", "企业投资项目备案信息表"), e("business_license")),
        result="项目备案证明",
        topics=("construction",),
        fields=_PROJECT,
    ),
]
