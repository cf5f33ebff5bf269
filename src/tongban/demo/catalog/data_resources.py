"""数据资源: data sets a department already holds and shares through the city data hub.

A material kind linked to a shared resource need not be handed in (两个免于提交). 学历学位信息 is held
nationally and not yet in the city hub (``shared=False``): a question for the analysts.
"""

from __future__ import annotations

from tongban.demo.catalog.spec import DataResourceSpec as D

# fmt: off
DATA_RESOURCES: list[D] = [
    D("household_registration", "户籍信息", "Household registration records", "gaj"),
    D("residence_permit_info", "居住证信息", "Residence permit records", "gaj"),
    D("traffic_record_info", "机动车驾驶人交通违法和事故信息", "Driver violations and accidents", "gaj"),
    D("marriage_registration", "婚姻登记信息", "Marriage registration records", "mzj"),
    D("minimum_living_info", "最低生活保障对象信息", "Minimum living allowance recipients", "mzj"),
    D("cremation_info", "遗体火化信息", "Cremation records", "mzj"),
    D("social_insurance_contributions", "社会保险缴费记录", "Social insurance contribution records", "rsj"),
    D("employment_registration", "就业和失业登记信息", "Employment and unemployment registrations", "rsj"),
    D("real_estate_registration", "不动产登记信息", "Real estate registry", "ghzyj"),
    D("enterprise_registration", "企业登记信息", "Business registry", "samr"),
    D("tax_information", "纳税信息", "Tax payment records", "tax"),
    D("birth_medical_info", "出生医学证明信息", "Medical birth certificate records", "wsjkw"),
    D("death_medical_info", "死亡医学证明信息", "Medical death certificate records", "wsjkw"),
    D("vaccination_info", "预防接种信息", "Vaccination records", "wsjkw"),
    D("driver_health_info", "机动车驾驶人体检信息", "Driver medical examination records", "wsjkw"),
    D("disability_info", "残疾人信息", "Disability records", "cjrlh"),
    D("provident_fund_info", "住房公积金缴存信息", "Housing provident fund records", "gjj"),
    D("medical_insurance_info", "医疗保险参保和结算信息", "Medical insurance records", "ybj"),
    D("public_credit_info", "公共信用信息", "Public credit records", "fgw"),
    D("student_status_info", "学籍信息", "Student enrolment records", "edu"),
    D("academic_degree_info", "学历学位信息", "Academic degree records", "edu", shared=False),
    D("house_lease_info", "房屋租赁合同登记备案信息", "Registered tenancy agreements", "fgj"),
]
# fmt: on
