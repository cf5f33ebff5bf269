"""证照类型 (licence types). Code = 证照定义机构 USCC (18) + 3-digit sequence (standards.md §4.2).

National licence types are defined by a ministry. We do not hold the ministries' real 统一社会信用代码,
so ``DEFINERS`` gives each a SYNTHETIC but valid one (authority 1 机构编制, category 1 机关, or 3 for
the 中国残联, region ``100000`` 全国, body ``MB9`` + 5 digits). Shanghai-specific licences (居住证,
养犬登记证 …) are defined by the city department itself: their prefix is that department's USCC.

``electronic`` says whether the city's licence library holds and shares the licence (两个免于提交).
A few are deliberately False, e.g. 普通护照 (a paper booklet) or 普通话水平测试等级证书 (held outside
the city hub): analysts can ask which materials would become exempt if they were shared.
"""

from __future__ import annotations

from tongban.demo.catalog.spec import LicenseTypeSpec as L
from tongban.utils.identifiers import make_uscc

NATURAL = "natural_person"
LEGAL = "legal_person"

# Defining national bodies: key → (name, synthetic USCC).
DEFINERS: dict[str, tuple[str, str]] = {
    key: (name, make_uscc(f"1{category}100000MB9{number:05d}"))
    for key, name, category, number in [
        ("samr_cn", "国家市场监督管理总局", "1", 1),
        ("nmpa", "国家药品监督管理局", "1", 2),
        ("mps", "中华人民共和国公安部", "1", 3),
        ("mca", "中华人民共和国民政部", "1", 4),
        ("nhc", "国家卫生健康委员会", "1", 5),
        ("mohrss", "中华人民共和国人力资源和社会保障部", "1", 6),
        ("mnr", "中华人民共和国自然资源部", "1", 7),
        ("mohurd", "中华人民共和国住房和城乡建设部", "1", 8),
        ("mee", "中华人民共和国生态环境部", "1", 9),
        ("mot", "中华人民共和国交通运输部", "1", 10),
        ("mct", "中华人民共和国文化和旅游部", "1", 11),
        ("sta", "国家税务总局", "1", 12),
        ("moe", "中华人民共和国教育部", "1", 13),
        ("moj", "中华人民共和国司法部", "1", 14),
        ("mem", "中华人民共和国应急管理部", "1", 15),
        ("mwr", "中华人民共和国水利部", "1", 16),
        ("cdpf", "中国残疾人联合会", "3", 17),
    ]
}

# fmt: off
LICENSE_TYPES: list[L] = [
    # --- market regulation ---
    L("business_license", 1, "samr_cn", "营业执照", "Business licence", "samr", LEGAL,
      basis="《中华人民共和国市场主体登记管理条例》第二十一条"),
    L("food_licence", 2, "samr_cn", "食品经营许可证", "Food business licence", "samr", LEGAL,
      basis="《中华人民共和国食品安全法》第三十五条"),
    L("food_production_licence", 3, "samr_cn", "食品生产许可证", "Food production licence", "samr", LEGAL,
      basis="《中华人民共和国食品安全法》第三十五条"),
    L("equipment_reg_cert", 4, "samr_cn", "特种设备使用登记证", "Special equipment registration certificate",
      "samr", LEGAL, basis="《中华人民共和国特种设备安全法》第三十三条"),
    L("equipment_operator_cert", 5, "samr_cn", "特种设备安全管理和作业人员证",
      "Special equipment operator certificate", "samr", NATURAL,
      basis="《中华人民共和国特种设备安全法》第十四条"),
    L("drug_licence", 1, "nmpa", "药品经营许可证", "Pharmaceutical trading licence", "samr", LEGAL,
      basis="《中华人民共和国药品管理法》第五十一条"),
    L("device_licence", 2, "nmpa", "医疗器械经营许可证", "Medical device trading licence", "samr", LEGAL,
      basis="《医疗器械监督管理条例》"),
    # --- public security ---
    L("id_card", 1, "mps", "居民身份证", "Resident identity card", "gaj", NATURAL,
      basis="《中华人民共和国居民身份证法》第二条"),
    L("household_register", 2, "mps", "居民户口簿", "Household register", "gaj", NATURAL,
      basis="《中华人民共和国户口登记条例》第四条"),
    L("passport", 3, "mps", "普通护照", "Ordinary passport", "gaj", NATURAL, electronic=False,
      basis="《中华人民共和国护照法》第五条"),
    L("driving_licence", 4, "mps", "机动车驾驶证", "Motor vehicle driving licence", "gaj", NATURAL,
      basis="《中华人民共和国道路交通安全法》第十九条"),
    L("vehicle_licence", 5, "mps", "机动车行驶证", "Motor vehicle registration certificate", "gaj", NATURAL,
      basis="《中华人民共和国道路交通安全法》第八条"),
    L("residence_permit", 1, "gaj", "上海市居住证", "Shanghai residence permit", "gaj", NATURAL,
      basis="《居住证暂行条例》第二条"),
    L("dog_cert", 2, "gaj", "养犬登记证", "Dog registration certificate", "gaj", NATURAL,
      basis="《上海市养犬管理条例》"),
    # --- civil affairs ---
    L("marriage_cert", 1, "mca", "结婚证", "Marriage certificate", "mzj", NATURAL,
      basis="《中华人民共和国民法典》第一千零四十九条"),
    L("divorce_cert", 2, "mca", "离婚证", "Divorce certificate", "mzj", NATURAL,
      basis="《中华人民共和国民法典》第一千零七十八条"),
    L("social_org_cert", 3, "mca", "社会团体法人登记证书", "Social organisation registration certificate",
      "mzj", LEGAL, basis="《社会团体登记管理条例》"),
    L("cremation_cert", 1, "mzj", "火化证明", "Cremation certificate", "mzj", NATURAL,
      basis="《殡葬管理条例》第十三条"),
    # --- health ---
    L("birth_medical_cert", 1, "nhc", "出生医学证明", "Medical birth certificate", "wsjkw", NATURAL,
      basis="《中华人民共和国母婴保健法》第二十三条"),
    L("hygiene_permit", 2, "nhc", "公共场所卫生许可证", "Public venue hygiene permit", "wsjkw", LEGAL,
      basis="《公共场所卫生管理条例》第八条"),
    L("medical_institution_licence", 3, "nhc", "医疗机构执业许可证",
      "Medical institution practising licence", "wsjkw", LEGAL, basis="《医疗机构管理条例》第十五条"),
    L("nurse_cert", 4, "nhc", "护士执业证书", "Nurse practising certificate", "wsjkw", NATURAL,
      basis="《护士条例》第七条"),
    L("doctor_cert", 5, "nhc", "医师执业证书", "Physician practising certificate", "wsjkw", NATURAL,
      basis="《中华人民共和国医师法》第十三条"),
    L("vaccination_cert", 6, "nhc", "预防接种证", "Vaccination certificate", "wsjkw", NATURAL,
      basis="《中华人民共和国疫苗管理法》第四十七条"),
    # --- human resources and social security ---
    L("social_security_card", 1, "mohrss", "社会保障卡", "Social security card", "rsj", NATURAL,
      basis="《中华人民共和国社会保险法》第五十八条"),
    L("hr_service_licence", 2, "mohrss", "人力资源服务许可证", "Human resources service licence", "rsj",
      LEGAL,
      basis="《人力资源市场暂行条例》第十八条"),
    L("labour_dispatch_licence", 3, "mohrss", "劳务派遣经营许可证", "Labour dispatch licence", "rsj", LEGAL,
      basis="《中华人民共和国劳动合同法》第五十七条"),
    # --- planning, land, construction ---
    L("real_estate_cert", 1, "mnr", "不动产权证书", "Real estate title certificate", "ghzyj", NATURAL,
      basis="《不动产登记暂行条例》第二十一条"),
    L("planning_permit", 2, "mnr", "建设工程规划许可证", "Construction project planning permit", "ghzyj",
      LEGAL, basis="《中华人民共和国城乡规划法》第四十条"),
    L("land_planning_permit", 3, "mnr", "建设用地规划许可证", "Land use planning permit", "ghzyj", LEGAL,
      basis="《中华人民共和国城乡规划法》第三十七条"),
    L("construction_permit", 1, "mohurd", "建筑工程施工许可证", "Construction permit", "zjw", LEGAL,
      basis="《中华人民共和国建筑法》第七条"),
    L("presale_permit", 2, "mohurd", "商品房预售许可证", "Commercial housing pre-sale permit", "zjw", LEGAL,
      basis="《中华人民共和国城市房地产管理法》第四十五条"),
    L("builder_qualification", 3, "mohurd", "建筑业企业资质证书", "Construction enterprise qualification",
      "zjw", LEGAL, basis="《中华人民共和国建筑法》第十三条"),
    L("builder_safety_licence", 4, "mohurd", "安全生产许可证（建筑施工企业）",
      "Work safety licence (construction enterprises)", "zjw", LEGAL, basis="《安全生产许可证条例》第二条"),
    L("gas_licence", 5, "mohurd", "燃气经营许可证", "Gas supply licence", "zjw", LEGAL,
      basis="《城镇燃气管理条例》第十五条"),
    L("drainage_permit", 6, "mohurd", "城镇污水排入排水管网许可证", "Sewer discharge permit", "swj", LEGAL,
      basis="《城镇排水与污水处理条例》第二十一条"),
    L("water_intake_permit", 1, "mwr", "取水许可证", "Water abstraction permit", "swj", LEGAL,
      basis="《中华人民共和国水法》第四十八条"),
    # --- environment ---
    L("pollutant_permit", 1, "mee", "排污许可证", "Pollutant discharge permit", "sthj", LEGAL,
      basis="《排污许可管理条例》第二条"),
    L("hazardous_waste_licence", 2, "mee", "危险废物经营许可证", "Hazardous waste business licence", "sthj",
      LEGAL, basis="《中华人民共和国固体废物污染环境防治法》第八十条"),
    # --- transport ---
    L("transport_licence", 1, "mot", "道路运输经营许可证", "Road transport business licence", "jtw", LEGAL,
      basis="《中华人民共和国道路运输条例》第二十四条"),
    L("vehicle_operation_cert", 2, "mot", "道路运输证", "Road transport vehicle certificate", "jtw", LEGAL,
      basis="《中华人民共和国道路运输条例》第二十四条"),
    L("taxi_driver_cert", 3, "mot", "出租汽车驾驶员从业资格证", "Taxi driver qualification certificate",
      "jtw", NATURAL, basis="《出租汽车驾驶员从业资格管理规定》"),
    L("freight_driver_cert", 4, "mot", "道路运输从业人员从业资格证",
      "Road transport worker qualification", "jtw", NATURAL, electronic=False,
      basis="《中华人民共和国道路运输条例》第二十二条"),
    L("ride_hailing_driver_cert", 5, "mot", "网络预约出租汽车驾驶员证", "Ride-hailing driver certificate",
      "jtw", NATURAL, basis="《网络预约出租汽车经营服务管理暂行办法》"),
    # --- culture and tourism ---
    L("entertainment_licence", 1, "mct", "娱乐经营许可证", "Entertainment venue licence", "whlyj", LEGAL,
      basis="《娱乐场所管理条例》"),
    L("performance_licence", 2, "mct", "营业性演出许可证", "Commercial performance licence", "whlyj", LEGAL,
      basis="《营业性演出管理条例》第六条"),
    L("travel_agency_licence", 3, "mct", "旅行社业务经营许可证", "Travel agency licence", "whlyj", LEGAL,
      basis="《旅行社条例》"),
    L("guide_cert", 4, "mct", "导游证", "Tour guide certificate", "whlyj", NATURAL,
      basis="《中华人民共和国旅游法》第三十七条"),
    # --- commerce, city appearance, tax ---
    L("liquor_licence", 1, "sww", "酒类商品零售许可证", "Liquor retail licence", "sww", LEGAL,
      basis="《上海市酒类商品产销管理条例》"),
    L("sign_permit", 1, "lhsr", "户外招牌设置许可决定书", "Outdoor shop sign permit", "lhsr", LEGAL,
      electronic=False, basis="《城市市容和环境卫生管理条例》第十一条"),
    L("tax_clearance", 1, "sta", "清税证明", "Tax clearance certificate", "tax", LEGAL,
      basis="《中华人民共和国税收征收管理法实施细则》第十六条"),
    # --- disability, education, justice, emergency management, fire ---
    L("disability_card", 1, "cdpf", "残疾人证", "Disability certificate", "cjrlh", NATURAL,
      basis="《中华人民共和国残疾人证管理办法》"),
    L("teacher_cert", 1, "moe", "教师资格证书", "Teacher qualification certificate", "edu", NATURAL,
      basis="《中华人民共和国教师法》第十条"),
    L("putonghua_cert", 2, "moe", "普通话水平测试等级证书", "Putonghua proficiency certificate", "edu",
      NATURAL, electronic=False, basis="《中华人民共和国国家通用语言文字法》"),
    L("lawyer_licence", 1, "moj", "律师执业证", "Lawyer practising certificate", "sfj", NATURAL,
      basis="《中华人民共和国律师法》第六条"),
    L("hazardous_chem_licence", 1, "mem", "危险化学品经营许可证", "Hazardous chemicals trading licence",
      "yjglj", LEGAL, basis="《危险化学品安全管理条例》第三十三条"),
    L("special_operation_cert", 2, "mem", "特种作业操作证", "Special operation certificate", "yjglj",
      NATURAL, basis="《中华人民共和国安全生产法》第三十条"),
    L("fire_inspection_cert", 3, "mem", "公众聚集场所投入使用、营业前消防安全检查合格证",
      "Fire safety inspection certificate for public venues", "fire", LEGAL,
      basis="《中华人民共和国消防法》第十五条"),
]
# fmt: on
