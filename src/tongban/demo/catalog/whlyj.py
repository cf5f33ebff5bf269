"""上海市文化和旅游局 (whlyj) — entertainment venues, performances, travel agencies, guides."""

from __future__ import annotations

from tongban.demo.catalog.spec import BUSINESS, LICENSING, LICENSING_LAW, PERSON, Item, e, m

DEPT = "whlyj"
PREFIX = "001901"

_COMPANY = ("company_name", "uscc", "legal_rep_name", "mobile", "business_address")

ITEMS: list[Item] = [
    Item(
        no=1,
        name="娱乐场所经营许可",
        name_en="Entertainment venue licence",
        type=LICENSING,
        summary="开KTV、歌舞厅、游艺厅等娱乐场所，要取得娱乐经营许可证。",
        keywords="开KTV 歌厅 舞厅 游戏厅 电玩城 娱乐场所 娱乐经营许可证",
        audience=BUSINESS,
        bases=(("娱乐场所管理条例", "第九条"), ("娱乐场所管理办法", "")),
        conditions="已取得营业执照；场所符合规定的面积、设施和位置要求（不得设在居民楼、学校周边等禁止区域）；"
        "已通过消防安全检查。",
        steps=("网上提交申请", "审查材料", "实地检查", "作出许可决定", "发放娱乐经营许可证"),
        materials=(
            m("application_form", "娱乐场所经营申请表"),
            e("business_license"),
            e("id_card", "法定代表人身份证明"),
            e("premises_proof", "营业场所使用证明"),
            e("site_plan", "营业场所平面图"),
            e("fire_check_pass"),
        ),
        result="娱乐经营许可证",
        license="entertainment_licence",
        topics=("culture_tourism", "permits"),
        fields=(*_COMPANY, "shop_area"),
        legal=20,
        legal_note="文化主管部门应当自收到申请之日起20日内作出决定。",
        promised=10,
    ),
    Item(
        no=2,
        name="营业性演出许可",
        name_en="Commercial performance licence",
        type=LICENSING,
        summary="文艺表演团体、演出经纪机构从事营业性演出活动，要取得营业性演出许可证。",
        keywords="演出许可 演唱会 剧团 演出经纪 营业性演出",
        audience=BUSINESS,
        bases=(("营业性演出管理条例", "第六条"), (LICENSING_LAW, "第四十二条")),
        conditions="有与其业务相适应的专职演员（演出经纪人员）和器材设备。",
        steps=("网上提交申请", "审查", "作出许可决定", "发放营业性演出许可证"),
        materials=(
            m("application_form", "营业性演出许可申请表"),
            e("business_license"),
            e("staff_qualifications", "演员或演出经纪人员资格证明"),
        ),
        result="营业性演出许可证",
        license="performance_licence",
        topics=("culture_tourism", "permits"),
        fields=_COMPANY,
        legal=20,
        promised=10,
    ),
    Item(
        no=3,
        name="旅行社业务经营许可",
        name_en="Travel agency licence",
        type=LICENSING,
        summary="开旅行社经营国内旅游和入境旅游业务，要取得旅行社业务经营许可证并交存质量保证金。",
        keywords="开旅行社 旅行社许可证 旅游公司 组团",
        audience=BUSINESS,
        bases=(("中华人民共和国旅游法", "第二十八条"), ("旅行社条例", "第六条")),
        conditions="有固定的经营场所；有必要的营业设施；有符合规定的注册资本；有必要的经营管理人员和导游；"
        "按规定交存旅行社质量保证金。",
        steps=("网上提交申请", "审查并实地核查", "作出许可决定", "颁发旅行社业务经营许可证"),
        materials=(
            m("application_form", "旅行社设立申请书"),
            e("business_license"),
            e("premises_proof", "经营场所证明"),
            e("staff_qualifications", "经营管理人员和导游资格证明"),
            e("capital_proof", "质量保证金存缴证明"),
        ),
        result="旅行社业务经营许可证",
        license="travel_agency_licence",
        topics=("culture_tourism", "permits"),
        fields=(*_COMPANY, "registered_capital"),
        legal=20,
        legal_note="自受理申请之日起20个工作日内作出许可或者不予许可的决定。",
        promised=10,
    ),
    Item(
        no=4,
        name="导游证核发",
        name_en="Tour guide certificate",
        type=LICENSING,
        summary="导游资格考试合格、与旅行社签约或在旅游行业组织注册后，在网上申领电子导游证。",
        keywords="导游证 当导游 导游资格 电子导游证",
        audience=PERSON,
        bases=(("中华人民共和国旅游法", "第三十七条"), ("导游管理办法", "")),
        conditions="取得导游人员资格证书；与旅行社订立劳动合同或者在旅游行业组织注册。",
        steps=("通过全国旅游监管服务平台提交申请", "审核", "核发电子导游证"),
        materials=(
            m("application_form", "导游证申请表"),
            e("id_card"),
            e("exam_pass_proof", "导游人员资格证书"),
            e("labour_contract", "与旅行社的劳动合同或行业组织注册证明"),
            e("photo"),
        ),
        result="导游证",
        license="guide_cert",
        topics=("qualification",),
        fields=("applicant_name", "id_number", "mobile", "employer_name", "qualification_number"),
        legal=10,
        promised=5,
    ),
]
