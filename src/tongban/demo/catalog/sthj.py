"""上海市生态环境局 (sthj) — environmental impact assessment and pollution permits."""

from __future__ import annotations

from tongban.demo.catalog.spec import BUSINESS, LICENSING, ND, OTHER_POWER, Item, e, m

DEPT = "sthj"
PREFIX = "001401"

_PROJECT = ("company_name", "uscc", "legal_rep_name", "mobile", "project_name", "project_address")

ITEMS: list[Item] = [
    Item(
        no=1,
        name="建设项目环境影响评价审批",
        name_en="Approval of an environmental impact assessment",
        type=LICENSING,
        summary="建工厂、建项目可能影响环境的，开工前要把环评报告书（表）报生态环境部门审批。",
        keywords="环评 环评审批 环境影响评价 环评报告 建厂",
        audience=BUSINESS,
        bases=(("中华人民共和国环境影响评价法", "第二十二条"), ("建设项目环境保护管理条例", "第九条")),
        conditions="建设项目类型及其选址、布局、规模等符合环境保护法律法规和相关法定规划；"
        "采取的污染防治措施能确保污染物排放达到国家和地方排放标准。",
        steps=("网上提交环评文件", "技术评估", "公示", "作出审批决定"),
        materials=(
            m("application_form", "建设项目环境影响评价审批申请表"),
            e("eia_report"),
            e("business_license"),
            e("project_approval", when="依法需要核准或备案的项目"),
        ),
        result="环境影响评价批复文件",
        topics=("environment", "construction"),
        fields=(*_PROJECT, "total_investment"),
        legal=60,
        legal_unit=ND,
        legal_note="报告书60日、报告表30日内作出审批决定。",
        promised=20,
    ),
    Item(
        no=2,
        name="排污许可",
        name_en="Pollutant discharge permit",
        type=LICENSING,
        summary="实行排污许可管理的企业，要先取得排污许可证，按证排污、自行监测。",
        keywords="排污许可证 排污证 污染物排放 工厂排污 环保许可",
        audience=BUSINESS,
        bases=(("中华人民共和国环境保护法", "第四十五条"), ("排污许可管理条例", "第二条")),
        conditions="依法取得建设项目环境影响报告书（表）批准文件或办理登记表备案；污染防治设施、"
        "自行监测方案等符合规定。",
        steps=(
            "在全国排污许可证管理信息平台提交申请",
            "审查，必要时现场核查",
            "作出许可决定",
            "发放排污许可证",
        ),
        materials=(
            m("application_form", "排污许可证申请表"),
            e("business_license"),
            e("eia_approval"),
            e("pollution_control_docs"),
        ),
        result="排污许可证",
        license="pollutant_permit",
        topics=("environment", "permits"),
        fields=(*_PROJECT, "pollutants"),
        legal=20,
        legal_note="需现场核查的，自受理之日起30日内作出决定。",
        promised=10,
    ),
    Item(
        no=3,
        name="危险废物经营许可",
        name_en="Hazardous waste business licence",
        type=LICENSING,
        summary="从事收集、贮存、利用、处置危险废物经营活动的单位，要取得危险废物经营许可证。",
        keywords="危废 危险废物 危废处置 危废经营许可证",
        audience=BUSINESS,
        bases=(("中华人民共和国固体废物污染环境防治法", "第八十条"), ("危险废物经营许可证管理办法", "")),
        conditions="有符合要求的技术人员、运输工具、包装工具、贮存设施和处置设施；有保证安全的规章制度、"
        "污染防治措施和事故应急救援措施。",
        steps=("网上提交申请", "审查材料", "现场核查", "作出许可决定"),
        materials=(
            m("application_form", "危险废物经营许可证申请书"),
            e("business_license"),
            e("eia_approval"),
            e("staff_qualifications", "技术人员资格证明"),
            e("emergency_plan"),
        ),
        result="危险废物经营许可证",
        license="hazardous_waste_licence",
        topics=("environment", "permits"),
        fields=(*_PROJECT, "pollutants"),
        legal=20,
        promised=15,
    ),
    Item(
        no=4,
        name="建设项目环境影响登记表备案",
        name_en="Filing of an environmental impact registration form",
        type=OTHER_POWER,
        summary="对环境影响很小、只需填报登记表的项目，在网上备案即可，不需要审批。",
        keywords="环评登记表 环评备案 登记表备案 小项目环评",
        audience=BUSINESS,
        bases=(("中华人民共和国环境影响评价法", "第十六条"), ("建设项目环境影响登记表备案管理办法", "")),
        conditions="建设项目属于建设项目环境影响评价分类管理名录中应当填报环境影响登记表的类别。",
        steps=("在备案系统填报登记表", "即时完成备案", "生成备案回执"),
        materials=(m("application_form", "建设项目环境影响登记表"),),
        result="建设项目环境影响登记表备案回执",
        result_kind="other",
        topics=("environment", "construction"),
        fields=_PROJECT,
    ),
]
