"""Form fields (表单字段). Keys are shared across items so a bundle asks each question once."""

from __future__ import annotations

from tongban.demo.catalog.spec import FormFieldSpec as F

# Answers of the ``choice`` fields: (value, English label); the value is also the Chinese label. Where a
# licence face has the same question, the values are the face's enum words (see license_faces.py).
# fmt: off
SEX = (("男", "Male"), ("女", "Female"))
# Who reports a death, asks for the medical certificate or cremation, or claims survivor benefits.
RELATION_TO_SUBJECT = (
    ("配偶", "Spouse"), ("子女", "Child"), ("父母", "Parent"), ("兄弟姐妹", "Brother or sister"),
    ("祖父母、外祖父母", "Grandparent"), ("孙子女、外孙子女", "Grandchild"), ("其他亲属", "Other relative"),
    ("受委托人", "Person authorised by the family"),
)
# 食品经营许可证 主体业态 (the licence face's enum).
FOOD_BUSINESS_TYPES = (
    ("食品销售经营者", "Food seller"), ("餐饮服务经营者", "Catering business"),
    ("集中用餐单位食堂", "Canteen of an institution"),
)
# Why a company deregisters (公司法 第二百二十九条, 企业破产法) or moves its insurance and fund accounts.
CLOSURE_REASONS = (
    ("决议解散", "Dissolved by decision of the owners"),
    ("营业期限届满", "Term of operation has expired"),
    ("因合并或者分立解散", "Dissolved by merger or division"),
    ("被吊销营业执照、责令关闭或者被撤销", "Licence revoked, ordered to close or deregistered"),
    ("人民法院依法予以解散", "Dissolved by a court"),
    ("宣告破产", "Declared bankrupt"),
    ("迁出本市", "Moving out of Shanghai"),
    ("其他原因", "Other reason"),
)
# 残疾类别 and 残疾等级 (GB/T 26341-2010), as on the 残疾人证 face.
DISABILITY_CATEGORIES = (
    ("视力残疾", "Visual"), ("听力残疾", "Hearing"), ("言语残疾", "Speech"), ("肢体残疾", "Physical"),
    ("智力残疾", "Intellectual"), ("精神残疾", "Mental"), ("多重残疾", "Multiple"),
)
DISABILITY_GRADES = (
    ("一级", "Grade 1 (most severe)"), ("二级", "Grade 2"), ("三级", "Grade 3"),
    ("四级", "Grade 4 (mildest)"),
)
# 道路运输证 车辆类型, by the size classes of GA 802.
VEHICLE_TYPES = (
    ("大型客车", "Large bus"), ("中型客车", "Medium bus"), ("小型客车", "Small bus"),
    ("重型货车", "Heavy goods vehicle"), ("中型货车", "Medium goods vehicle"),
    ("轻型货车", "Light goods vehicle"),
    ("微型货车", "Mini goods vehicle"), ("牵引车", "Tractor unit"), ("挂车", "Trailer"),
    ("专项作业车", "Special-purpose vehicle"),
)
# 道路运输条例: the passenger and freight business scopes a licence names.
TRANSPORT_SCOPES = (
    ("班车客运", "Scheduled coach services"), ("包车客运", "Charter coach services"),
    ("旅游客运", "Tourist coach services"), ("道路普通货物运输", "General freight"),
    ("道路货物专用运输", "Specialised freight (containers, refrigerated, tankers)"),
    ("大型物件运输", "Oversized loads"), ("道路危险货物运输", "Dangerous goods"),
)
# 特种设备目录 categories (the 特种设备使用登记证 face's enum); 建筑起重机械 are 起重机械.
EQUIPMENT_TYPES = (
    ("锅炉", "Boiler"), ("压力容器", "Pressure vessel"), ("电梯", "Lift"), ("起重机械", "Lifting appliance"),
    ("客运索道", "Passenger ropeway"), ("大型游乐设施", "Large amusement ride"),
    ("场（厂）内专用机动车辆", "On-site motor vehicle"), ("气瓶", "Gas cylinder"),
    ("压力管道", "Pressure pipeline"),
)
# 信用修复: the kinds of record that can be repaired (失信行为纠正后的信用信息修复管理办法).
CREDIT_RECORD_TYPES = (
    ("行政处罚信息", "Administrative penalty"),
    ("严重失信主体名单信息", "List of seriously untrustworthy entities"),
    ("经营异常名录信息", "List of abnormal business operations"),
    ("纳税信用失信信息", "Tax credit record"),
    ("其他失信信息", "Other record"),
)
# 上海 water tariff categories.
WATER_USES = (
    ("居民生活用水", "Household"), ("非居民用水", "Non-household (business, institutions)"),
    ("特种行业用水", "Special trades (car washes, bathhouses …)"),
)
BANDWIDTHS = (
    ("100M", "100 Mbit/s"), ("300M", "300 Mbit/s"), ("500M", "500 Mbit/s"), ("1000M", "1 Gbit/s"),
)
# 出境事由 on the passport application form.
TRAVEL_REASONS = (
    ("旅游", "Tourism"), ("探亲访友", "Visiting family or friends"), ("商务", "Business"),
    ("学习", "Study"), ("就医", "Medical treatment"), ("劳务", "Work"), ("定居", "Settling abroad"),
    ("其他", "Other"),
)
# fmt: on

# fmt: off
FORM_FIELDS: list[F] = [
    # --- people ---
    F("applicant_name", "申请人姓名", "Applicant's name"),
    F("id_number", "公民身份号码", "ID number", "id_number"),
    F("mobile", "手机号码", "Mobile number", "phone"),
    F("contact_address", "联系地址", "Postal address"),
    F("household_address", "户籍地址", "Registered household address"),
    F("residence_address", "居住地址", "Residential address"),
    F("gender", "性别", "Sex", "choice", SEX),
    F("ethnicity", "民族", "Ethnic group"),
    F("bank_account", "本人银行账号", "Own bank account number"),
    F("employer_name", "工作单位", "Employer"),
    F("relation_to_subject", "与当事人关系", "Relation to the person concerned", "choice",
      RELATION_TO_SUBJECT),
    # --- companies ---
    F("company_name", "企业（单位）名称", "Company or organisation name"),
    F("uscc", "统一社会信用代码", "Unified social credit code", "uscc"),
    F("registered_address", "住所", "Registered address"),
    F("business_address", "经营场所地址", "Business premises address"),
    F("business_scope", "经营范围", "Business scope", "textarea"),
    F("legal_rep_name", "法定代表人姓名", "Legal representative"),
    F("legal_rep_id_number", "法定代表人身份证号码", "Legal representative's ID number", "id_number"),
    F("registered_capital", "注册资本（万元）", "Registered capital (10,000 yuan)", "number"),
    F("contact_person", "联系人", "Contact person"),
    F("shop_area", "经营面积（平方米）", "Floor area (m²)", "number"),
    F("employee_count", "从业人员数", "Number of employees", "number"),
    F("main_business_type", "主体业态", "Type of food business", "choice", FOOD_BUSINESS_TYPES),
    F("business_items", "经营项目", "Business items", "textarea"),
    F("change_items", "变更事项", "What changes", "textarea"),
    F("closure_reason", "注销原因", "Reason for closing", "choice", CLOSURE_REASONS),
    F("bank_account_company", "单位银行账号", "Company bank account"),
    F("tax_officer_name", "办税人员姓名", "Tax officer"),
    # --- family events ---
    F("newborn_name", "新生儿姓名", "Baby's name"),
    F("birth_date", "出生日期", "Date of birth", "date"),
    F("hospital", "出生医院（助产机构）", "Hospital of birth"),
    F("mother_name", "母亲姓名", "Mother's name"),
    F("mother_id_number", "母亲身份证号码", "Mother's ID number", "id_number"),
    F("father_name", "父亲姓名", "Father's name"),
    F("father_id_number", "父亲身份证号码", "Father's ID number", "id_number"),
    F("spouse_name", "配偶姓名", "Spouse's name"),
    F("spouse_id_number", "配偶身份证号码", "Spouse's ID number", "id_number"),
    F("child_name", "子女姓名", "Child's name"),
    F("child_id_number", "子女身份证号码", "Child's ID number", "id_number"),
    F("school_name", "意向学校", "Preferred school"),
    F("deceased_name", "逝者姓名", "Name of the deceased"),
    F("deceased_id_number", "逝者身份证号码", "ID number of the deceased", "id_number"),
    F("death_date", "死亡日期", "Date of death", "date"),
    F("family_size", "共同生活家庭人口", "Household members", "number"),
    F("monthly_income", "家庭月收入（元）", "Monthly household income (yuan)", "number"),
    F("disability_category", "残疾类别", "Type of disability", "choice", DISABILITY_CATEGORIES),
    F("disability_grade", "残疾等级", "Disability grade", "choice", DISABILITY_GRADES),
    # --- work ---
    F("contract_start", "劳动合同起始日期", "Employment start date", "date"),
    F("job_title", "岗位", "Job title"),
    F("separation_date", "离职日期", "Date employment ended", "date"),
    F("injury_date", "事故发生时间", "Date of the accident", "date"),
    F("retirement_date", "退休日期", "Retirement date", "date"),
    F("qualification_number", "资格证书编号", "Qualification certificate number"),
    F("practice_institution", "拟执业机构", "Intended place of practice"),
    # --- vehicles and transport ---
    F("plate_number", "号牌号码", "Plate number"),
    F("vehicle_type", "车辆类型", "Vehicle type", "choice", VEHICLE_TYPES),
    F("vehicle_count", "车辆数量", "Number of vehicles", "number"),
    F("driving_licence_number", "驾驶证号", "Driving licence number"),
    F("transport_scope", "经营范围（道路运输）", "Road transport business scope", "choice", TRANSPORT_SCOPES),
    # --- property and construction ---
    F("property_address", "不动产坐落", "Property address"),
    F("property_cert_number", "不动产权证号", "Title certificate number"),
    F("transaction_price", "成交价格（元）", "Transaction price (yuan)", "number"),
    F("buyer_name", "买受人", "Buyer"),
    F("seller_name", "出卖人", "Seller"),
    F("project_name", "项目名称", "Project name"),
    F("project_address", "建设地点", "Project site"),
    F("building_area", "建筑面积（平方米）", "Floor area of the building (m²)", "number"),
    F("total_investment", "总投资（万元）", "Total investment (10,000 yuan)", "number"),
    F("contract_price", "合同价格（万元）", "Contract price (10,000 yuan)", "number"),
    # --- permits ---
    F("sign_text", "招牌文字内容", "Wording of the sign"),
    F("sign_size", "招牌尺寸", "Size of the sign"),
    F("drainage_volume", "日排水量（立方米）", "Daily discharge (m³)", "number"),
    F("pollutants", "主要污染物", "Main pollutants", "textarea"),
    F("waste_volume", "建筑垃圾量（吨）", "Construction waste (tonnes)", "number"),
    F("equipment_type", "设备类别", "Type of equipment", "choice", EQUIPMENT_TYPES),
    F("equipment_code", "设备代码", "Equipment code"),
    F("organisation_name", "拟成立组织名称", "Name of the organisation"),
    F("supervisor_unit", "业务主管单位", "Supervising body"),
    F("penalty_decision_number", "行政处罚决定书文号", "Penalty decision number"),
    F("credit_record_type", "失信信息类别", "Type of credit record", "choice", CREDIT_RECORD_TYPES),
    # --- utilities ---
    F("connection_address", "用水（电、气、网）地址", "Connection address"),
    F("water_use", "用水性质", "Water use", "choice", WATER_USES),
    F("power_capacity", "用电容量（千瓦）", "Power capacity (kW)", "number"),
    F("gas_appliances", "用气设备", "Gas appliances", "textarea"),
    F("bandwidth", "带宽需求", "Bandwidth", "choice", BANDWIDTHS),
    F("utility_account", "户号", "Utility account number"),
    # --- misc ---
    F("dog_breed", "犬只品种", "Dog breed"),
    F("travel_reason", "出境事由", "Reason for travel", "choice", TRAVEL_REASONS),
    F("expense_amount", "医疗费用总额（元）", "Medical expenses (yuan)", "number"),
    F("legal_aid_matter", "申请法律援助事项", "Matter for legal aid", "textarea"),
]
# fmt: on
