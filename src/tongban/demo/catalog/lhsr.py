"""上海市绿化和市容管理局 (lhsr) — shop signs, outdoor ads, construction waste, green space, trees."""

from __future__ import annotations

from tongban.demo.catalog.spec import BOTH, BUSINESS, LICENSING, LICENSING_LAW, Item, e, m

DEPT = "lhsr"
PREFIX = "001201"

CITY_APPEARANCE = "城市市容和环境卫生管理条例"
GREENING = "城市绿化条例"
_COMPANY = ("company_name", "uscc", "legal_rep_name", "mobile")

ITEMS: list[Item] = [
    Item(
        no=1,
        name="户外招牌设置审批",
        name_en="Permit for an outdoor shop sign",
        type=LICENSING,
        summary="店门口要挂招牌，先把招牌的位置、尺寸和效果图报绿化市容部门，批准后再安装。",
        keywords="招牌 店招 门头 挂招牌 店面招牌 门头设计 广告牌",
        audience=BUSINESS,
        bases=((CITY_APPEARANCE, "第十一条"), ("上海市市容环境卫生管理条例", "")),
        conditions="招牌设置在本单位建筑物或经营场所上；位置、规格、形式符合本市户外招牌设置技术规范；"
        "与建筑风貌协调，安全牢固。",
        steps=(
            "网上提交申请（开办餐饮店等一件事中可一并申请）",
            "审查设计方案",
            "作出许可决定",
            "按批准方案设置",
        ),
        materials=(
            m("application_form", "户外招牌设置申请表"),
            e("business_license"),
            e("sign_design"),
            e("premises_proof", "设置招牌的建筑物使用证明"),
        ),
        result="户外招牌设置许可决定书",
        license="sign_permit",
        topics=("permits", "start_business"),
        fields=(*_COMPANY, "business_address", "sign_text", "sign_size"),
        legal=20,
        promised=5,
    ),
    Item(
        no=2,
        name="户外广告设施设置审批",
        name_en="Permit for an outdoor advertising structure",
        type=LICENSING,
        summary="在建筑物外墙、屋顶或道路边设置广告牌、电子屏，要先取得户外广告设施设置许可。",
        keywords="户外广告 广告牌 大屏 楼顶广告 LED屏",
        audience=BUSINESS,
        bases=((CITY_APPEARANCE, "第十一条"), ("上海市户外广告设施管理办法", "")),
        conditions="设置位置符合本市户外广告设施设置规划；设施结构安全；已取得场地使用权。",
        steps=("网上提交申请", "审查设置方案和结构安全", "作出许可决定"),
        materials=(
            m("application_form", "户外广告设施设置申请表"),
            e("business_license"),
            e("sign_design", "广告设施设计图"),
            e("premises_proof", "设置场地使用证明"),
            e("equipment_docs", "结构安全检测报告"),
        ),
        result="户外广告设施设置许可决定书",
        topics=("permits",),
        fields=(*_COMPANY, "project_address", "sign_size"),
        legal=20,
        promised=10,
    ),
    Item(
        no=3,
        name="城市建筑垃圾处置核准",
        name_en="Approval for disposing of construction waste",
        type=LICENSING,
        summary="工地、装修产生的建筑垃圾要按核准的方案运输和消纳，不得乱倒。",
        keywords="建筑垃圾 渣土 装修垃圾 工程渣土 垃圾清运 渣土运输",
        audience=BUSINESS,
        bases=(
            ("国务院对确需保留的行政审批项目设定行政许可的决定", "第101项"),
            ("城市建筑垃圾管理规定", "第七条"),
        ),
        conditions="有建筑垃圾分类处置方案；有与处置量相适应的运输车辆和消纳场所；运输车辆具备全密闭运输机械装置。",
        steps=("网上提交申请", "审查处置方案", "作出核准决定"),
        materials=(
            m("application_form", "建筑垃圾处置申请表"),
            e("business_license"),
            e("waste_transport_plan"),
            e("construction_permit", when="建设工程产生的"),
        ),
        result="城市建筑垃圾处置核准决定书",
        topics=("construction", "environment"),
        fields=(*_COMPANY, "project_name", "project_address", "waste_volume"),
        legal=20,
        legal_note="市容环境卫生主管部门应当在接到申请后的20日内作出是否核准的决定。",
        promised=5,
    ),
    Item(
        no=4,
        name="临时占用城市绿地审批",
        name_en="Permit to occupy green space temporarily",
        type=LICENSING,
        summary="管线施工等确需临时占用城市绿地的，要先经批准，用完后按期恢复。",
        keywords="占用绿地 临时占绿 绿地施工 管线施工绿地",
        audience=BOTH,
        bases=((GREENING, "第十九条"), ("上海市绿化条例", "")),
        conditions="因建设或其他特殊需要确需临时占用；占用面积和期限合理；有恢复绿地的方案。",
        steps=("网上提交申请（联合报装时一并提交）", "审查", "作出审批决定"),
        materials=(
            m("application_form", "临时占用城市绿地申请表"),
            e("design_drawings", "占用位置图及施工方案"),
        ),
        result="临时占用城市绿地审批决定",
        topics=("construction", "utilities"),
        fields=(*_COMPANY, "project_name", "project_address"),
        legal=20,
        promised=5,
    ),
    Item(
        no=5,
        name="树木迁移、砍伐审批",
        name_en="Permit to move or fell trees",
        type=LICENSING,
        summary="因建设或树木危及安全需要迁移、砍伐城市树木的，要先经批准并补植。",
        keywords="砍树 移树 树木迁移 砍伐树木 大树",
        audience=BOTH,
        bases=((GREENING, "第二十条"), (LICENSING_LAW, "第四十二条")),
        conditions="确因建设需要或树木严重影响居住安全、危及设施安全；有补植或补偿方案。",
        steps=("网上提交申请", "现场勘查", "作出审批决定", "按批准实施并补植"),
        materials=(m("application_form", "树木迁移、砍伐申请表"), e("design_drawings", "树木位置图")),
        result="树木迁移、砍伐审批决定",
        topics=("construction",),
        fields=("applicant_name", "mobile", "project_address"),
        legal=20,
        promised=10,
    ),
]
