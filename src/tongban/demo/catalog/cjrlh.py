"""上海市残疾人联合会 (cjrlh) — disability certificates and rehabilitation support."""

from __future__ import annotations

from tongban.demo.catalog.spec import BENEFIT, CONFIRMATION, PERSON, WEB_MAIL, Item, e, m

DEPT = "cjrlh"
PREFIX = "000801"

DISABILITY_LAW = "中华人民共和国残疾人保障法"
_PERSON = (
    "applicant_name",
    "id_number",
    "mobile",
    "household_address",
    "disability_category",
    "disability_grade",
)

ITEMS: list[Item] = [
    Item(
        no=1,
        name="残疾人证核发",
        name_en="Issue of a disability certificate",
        type=CONFIRMATION,
        summary="经指定医院评定为残疾的，可以申领残疾人证，凭证享受补贴、康复、就业等扶助。",
        keywords="残疾证 办残疾证 残疾人证 残疾评定 残疾鉴定",
        audience=PERSON,
        bases=((DISABILITY_LAW, "第二条"), ("中华人民共和国残疾人证管理办法", "")),
        conditions="本市户籍；符合《残疾人残疾分类和分级》国家标准，经指定医疗机构评定为残疾。",
        steps=("网上提交申请", "到指定医疗机构进行残疾评定", "区残联审核", "制证并发放（可邮寄）"),
        materials=(
            m("application_form", "残疾人证申请表"),
            e("id_card"),
            e("household_register"),
            e("photo"),
            m("disability_assessment"),
        ),
        result="残疾人证",
        license="disability_card",
        topics=("disability",),
        fields=_PERSON,
        legal=30,
        promised=15,
        legal_note="依《中华人民共和国残疾人证管理办法》及本市实施办法。",
        visits=1,
        depth=3,
        onsite="须本人到指定医疗机构接受残疾评定（行动不便的可申请上门评定）。",
        channels=WEB_MAIL,
    ),
    Item(
        no=2,
        name="残疾人辅助器具适配补贴",
        name_en="Subsidy for assistive devices",
        type=BENEFIT,
        summary="持证残疾人需要轮椅、助听器、假肢等辅助器具的，可以申请适配补贴。",
        keywords="轮椅补贴 助听器 假肢 辅具 辅助器具补贴",
        audience=PERSON,
        bases=((DISABILITY_LAW, "第二十条"),),
        conditions="持有本市残疾人证；经评估确有辅助器具适配需求。",
        steps=("网上提交申请", "辅具需求评估", "审核", "适配辅具并结算补贴"),
        materials=(m("application_form", "辅助器具适配补贴申请表"), e("disability_card"), e("id_card")),
        result="辅助器具适配补贴审核结果",
        topics=("disability",),
        fields=(*_PERSON, "bank_account"),
        legal=20,
        promised=10,
        legal_note="依本市残疾人辅助器具适配补贴办法。",
    ),
    Item(
        no=3,
        name="残疾儿童康复救助申请",
        name_en="Rehabilitation assistance for disabled children",
        type=BENEFIT,
        summary="0到6岁的残疾儿童可以申请康复救助，在定点康复机构做手术、配辅具或康复训练可获补助。",
        keywords="残疾儿童 康复救助 自闭症 孤独症 儿童康复 听障儿童",
        audience=PERSON,
        bases=(
            ("国务院关于建立残疾儿童康复救助制度的意见", "国发〔2018〕20号"),
            (DISABILITY_LAW, "第十五条"),
        ),
        conditions="0-6岁视力、听力、言语、肢体、智力等残疾儿童和孤独症儿童；经医疗机构诊断。",
        steps=("监护人网上提交申请", "区残联审核", "选择定点康复机构", "康复服务并结算救助"),
        materials=(
            m("application_form", "残疾儿童康复救助申请表"),
            e("household_register"),
            e("injury_evidence", "医疗机构诊断证明"),
            e("id_card", "监护人身份证件"),
        ),
        result="残疾儿童康复救助审核结果",
        topics=("disability", "health"),
        fields=(
            "child_name",
            "child_id_number",
            "applicant_name",
            "id_number",
            "mobile",
            "disability_category",
        ),
        legal=20,
        promised=10,
        legal_note="依本市残疾儿童康复救助实施办法。",
    ),
]
