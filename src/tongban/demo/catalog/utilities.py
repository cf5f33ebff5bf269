"""Public utilities (公用事业单位): connections (报装) and transfers (过户), 公共服务 items.

Each connection belongs to its utility company. 水电气网过户 is ONE joint service led by the water
company (上海城投水务（集团）有限公司): its acceptance takes the transfer for water, power, gas and
network together and passes it to the other three utilities (联动过户), so applicants deal with one
counter. Connection fees for small users are waived under the city's 营商环境 measures, so the seed
lists no fees.
"""

from __future__ import annotations

from tongban.demo.catalog.spec import (
    BOTH,
    BUSINESS_ENVIRONMENT_REGULATION,
    PUBLIC_SERVICE,
    Item,
    e,
    m,
)

DEPT = "water"
PREFIX = "000001"

UTILITY_BASIS = (BUSINESS_ENVIRONMENT_REGULATION, "第二十五条")
_FIELDS = ("applicant_name", "id_number", "company_name", "uscc", "mobile", "connection_address")

ITEMS: list[Item] = [
    Item(
        no=1,
        name="用水报装",
        name_en="New water connection",
        type=PUBLIC_SERVICE,
        summary="新房、新店或新项目要接自来水，网上申请用水报装，小型项目免费接入，上门勘查后装表通水。",
        keywords="接自来水 装水表 用水报装 新装水表 通水 供水",
        audience=BOTH,
        bases=(UTILITY_BASIS, ("城市供水条例", "")),
        conditions="用水地址权属清楚；具备接管条件；用水性质和用水量已明确。",
        steps=("网上提交报装申请（可与电、气、网联合报装）", "现场勘查并答复方案", "外线施工", "装表通水"),
        materials=(
            m("application_form", "用水报装申请表"),
            e("id_card", "申请人身份证件", when="个人申请的"),
            e("business_license", when="单位申请的"),
            e("real_estate_info", "用水地址产权证明"),
            e("equipment_list", "用水设备及用水量说明", when="非居民用水的"),
        ),
        result="供水接入（通水）",
        result_kind="other",
        topics=("utilities",),
        fields=(*_FIELDS, "water_use"),
        legal=15,
        promised=5,
        legal_note="依本市供水服务规范规定的报装时限。",
    ),
    Item(
        no=2,
        name="用电报装",
        name_en="New electricity connection",
        dept="power",
        type=PUBLIC_SERVICE,
        summary="新装或增加用电容量，网上申请用电报装，低压小微企业零投资接电，供电公司上门服务。",
        keywords="接电 装电表 用电报装 增容 新装用电 通电 电表",
        audience=BOTH,
        bases=(UTILITY_BASIS, ("中华人民共和国电力法", "第二十六条")),
        conditions="用电地址权属清楚；用电容量和用电性质已明确；受电工程符合规定。",
        steps=(
            "网上提交报装申请（可与水、气、网联合报装）",
            "现场勘查并确定供电方案",
            "外线工程施工",
            "装表接电",
        ),
        materials=(
            m("application_form", "用电报装申请表"),
            e("id_card", "申请人身份证件", when="个人申请的"),
            e("business_license", when="单位申请的"),
            e("real_estate_info", "用电地址产权证明"),
            e("equipment_list", "用电设备清单", when="非居民用电的"),
        ),
        result="供电接入（通电）",
        result_kind="other",
        topics=("utilities",),
        fields=(*_FIELDS, "power_capacity"),
        legal=15,
        promised=5,
        legal_note="依《供电营业规则》及本市供电服务承诺。",
    ),
    Item(
        no=3,
        name="用气报装",
        name_en="New gas connection",
        dept="gas",
        type=PUBLIC_SERVICE,
        summary="新房、餐饮店要通燃气，网上申请用气报装，燃气公司上门勘查、安装、通气。",
        keywords="接燃气 装煤气 用气报装 燃气开户 通气 天然气",
        audience=BOTH,
        bases=(UTILITY_BASIS, ("城镇燃气管理条例", "第十七条")),
        conditions="用气地址在管道燃气供气范围内；用气场所符合燃气安全使用条件。",
        steps=(
            "网上提交报装申请（可与水、电、网联合报装）",
            "现场勘查并确定方案",
            "管道安装",
            "安全检查并通气",
        ),
        materials=(
            m("application_form", "用气报装申请表"),
            e("id_card", "申请人身份证件", when="个人申请的"),
            e("business_license", when="单位申请的"),
            e("real_estate_info", "用气地址产权证明"),
            e("equipment_list", "用气设备清单", when="非居民用气的"),
        ),
        result="燃气接入（通气）",
        result_kind="other",
        topics=("utilities",),
        fields=(*_FIELDS, "gas_appliances"),
        legal=20,
        promised=10,
        legal_note="依本市燃气供应服务规范。",
    ),
    Item(
        no=4,
        name="网络报装",
        name_en="New broadband connection",
        dept="telecom",
        type=PUBLIC_SERVICE,
        summary="新房、新店要装宽带和固定电话，网上申请，电信公司上门安装。",
        keywords="装宽带 宽带报装 装网线 固话 光纤 网络安装",
        audience=BOTH,
        bases=(UTILITY_BASIS, ("中华人民共和国电信条例", "")),
        conditions="安装地址在网络覆盖范围内；申请人身份信息真实（实名制）。",
        steps=("网上提交报装申请（可与水、电、气联合报装）", "预约上门", "布线安装", "开通"),
        materials=(
            m("application_form", "宽带业务申请表"),
            e("id_card", "申请人身份证件", when="个人申请的"),
            e("business_license", when="单位申请的"),
        ),
        result="网络接入（开通）",
        result_kind="other",
        topics=("utilities",),
        fields=(*_FIELDS, "bandwidth"),
        legal=5,
        promised=3,
        legal_note="依电信业务服务规范规定的装机时限。",
    ),
    Item(
        no=5,
        name="水电气网过户",
        name_en="Transfer of water, power, gas and network accounts",
        type=PUBLIC_SERVICE,
        summary="二手房过户后，水、电、燃气、宽带户名一次申请同步过户，不用分别跑四家单位。",
        keywords="水电煤过户 水电气过户 燃气过户 电费过户 宽带过户 二手房过户 户名变更",
        audience=BOTH,
        bases=(UTILITY_BASIS,),
        conditions="房屋已完成不动产转移登记；原户已结清水、电、燃气和网络费用。",
        steps=(
            "不动产登记时勾选联动过户（或网上单独申请）",
            "核验新的不动产权属信息",
            "供水企业受理并推送供电、燃气、电信企业",
            "各单位同步办理过户",
        ),
        materials=(
            m("application_form", "水电气网联动过户申请表"),
            e("id_card", "新户主身份证件"),
            e("real_estate_info", "新的不动产权属信息"),
        ),
        result="水、电、燃气、网络过户结果",
        result_kind="other",
        topics=("utilities", "housing"),
        fields=(*_FIELDS, "property_address", "utility_account"),
        legal=5,
        promised=1,
        legal_note="依本市公用事业服务规范。",
    ),
]
