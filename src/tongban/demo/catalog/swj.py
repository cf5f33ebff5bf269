"""上海市水务局 (swj) — drainage permits, water abstraction, works near rivers."""

from __future__ import annotations

from tongban.demo.catalog.spec import BUSINESS, LICENSING, LICENSING_LAW, Item, e, m

DEPT = "swj"
PREFIX = "001301"

_COMPANY = ("company_name", "uscc", "legal_rep_name", "mobile")

ITEMS: list[Item] = [
    Item(
        no=1,
        name="城镇污水排入排水管网许可",
        name_en="Permit to discharge wastewater into the sewer",
        type=LICENSING,
        summary="饭店、洗车店、医院、工厂等排水户往市政管网排污水前，要办排水许可证，餐饮店要装隔油设施。",
        keywords="排水许可证 排水证 污水排放 隔油池 饭店排水 洗车店排水",
        audience=BUSINESS,
        bases=(("城镇排水与污水处理条例", "第二十一条"), ("城镇污水排入排水管网许可管理办法", "")),
        conditions="排放口的设置符合城镇排水与污水处理规划；按规定建设预处理设施（如餐饮隔油设施）；"
        "排放的污水符合国家或地方规定的排放标准；设置专用检测井。",
        steps=(
            "网上提交申请（开办餐饮店一件事中可一并申请）",
            "审查材料，必要时现场核查",
            "作出许可决定",
            "发放排水许可证",
        ),
        materials=(
            m("application_form", "城镇污水排入排水管网许可申请表"),
            e("business_license"),
            e("drainage_docs"),
            e("site_plan", "排水户内部排水管网平面图"),
            m("commitment_letter", when="选择告知承诺方式办理的"),
        ),
        result="城镇污水排入排水管网许可证",
        license="drainage_permit",
        topics=("permits", "environment"),
        fields=(*_COMPANY, "business_address", "drainage_volume"),
        legal=20,
        promised=5,
    ),
    Item(
        no=2,
        name="取水许可",
        name_en="Water abstraction permit",
        type=LICENSING,
        summary="直接从河道、湖泊或地下取水的单位，要取得取水许可证。",
        keywords="取水 打井 抽地下水 河道取水 取水证",
        audience=BUSINESS,
        bases=(("中华人民共和国水法", "第四十八条"), ("取水许可和水资源费征收管理条例", "")),
        conditions="取水符合水资源规划和用水总量控制要求；有水资源论证报告；取水、退水方案合理。",
        steps=("网上提交申请", "审查水资源论证报告", "作出许可决定", "发放取水许可证"),
        materials=(
            m("application_form", "取水许可申请书"),
            e("business_license"),
            e("feasibility_report", "建设项目水资源论证报告"),
        ),
        result="取水许可证",
        license="water_intake_permit",
        topics=("permits", "environment"),
        fields=(*_COMPANY, "project_name", "project_address"),
        legal=45,
        legal_unit="natural_day",
        promised=20,
        legal_note="依《取水许可和水资源费征收管理条例》规定的审批期限。",
    ),
    Item(
        no=3,
        name="河道管理范围内建设项目工程建设方案审批",
        name_en="Approval of works within river management areas",
        type=LICENSING,
        summary="在河道上建桥、码头或铺设过河管线，工程建设方案要先经水务部门审查同意。",
        keywords="河道施工 过河管线 建桥 码头 涉河项目",
        audience=BUSINESS,
        bases=(("中华人民共和国防洪法", "第二十七条"), (LICENSING_LAW, "第四十二条")),
        conditions="工程设施符合防洪标准、岸线规划、航运要求和其他技术要求；不危害堤防安全。",
        steps=("网上提交申请", "技术审查", "作出审批决定"),
        materials=(
            m("application_form", "涉河建设项目审批申请表"),
            e("design_drawings", "工程建设方案"),
            e("feasibility_report", "防洪影响评价报告"),
        ),
        result="涉河建设项目审批决定",
        topics=("construction",),
        fields=(*_COMPANY, "project_name", "project_address"),
        legal=20,
        promised=10,
    ),
]
