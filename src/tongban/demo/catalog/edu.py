"""上海市教育委员会 (edu) — school entry and teacher qualifications."""

from __future__ import annotations

from tongban.demo.catalog.spec import CONFIRMATION, PERSON, PUBLIC_SERVICE, WEB_MAIL, Item, e, m

DEPT = "edu"
PREFIX = "000901"

ITEMS: list[Item] = [
    Item(
        no=1,
        name="义务教育阶段入学登记",
        name_en="Registration for primary and junior secondary school",
        type=PUBLIC_SERVICE,
        summary="孩子上小学、初中前，家长在网上做入学信息登记，系统自动核验户籍、房产和居住证信息。",
        keywords="幼升小 小升初 入学报名 上小学 上初中 入学登记 学区 对口入学",
        audience=PERSON,
        bases=(("中华人民共和国义务教育法", "第十一条"), ("中华人民共和国义务教育法", "第十二条")),
        conditions="适龄儿童、少年（年满6周岁）；本市户籍，或父母一方持有效上海市居住证且符合随迁子女入学条件。",
        steps=(
            "网上填写入学登记信息",
            "核验户籍、居住和房产信息",
            "入学资格验证",
            "按对口或统筹安排入学",
            "学校发放录取通知",
        ),
        materials=(
            m("application_form", "义务教育入学信息登记表"),
            e("household_register"),
            e("real_estate_info", "居住地房产信息", when="按居住地对口入学的"),
            e("residence_permit", "父母一方的上海市居住证", when="非本市户籍的"),
            e("residence_points_notice", when="以居住证积分申请入学的"),
            e("vaccination_record", "预防接种查验信息"),
        ),
        result="入学登记验证结果",
        result_kind="other",
        topics=("school",),
        fields=(
            "child_name",
            "child_id_number",
            "applicant_name",
            "id_number",
            "mobile",
            "household_address",
            "residence_address",
            "school_name",
        ),
        faqs=(
            (
                "非沪籍孩子能在上海上学吗？",
                "父母一方持有效上海市居住证并符合本市随迁子女入学条件的，可以在居住地入学。",
            ),
        ),
    ),
    Item(
        no=2,
        name="教师资格认定",
        name_en="Teacher qualification",
        type=CONFIRMATION,
        summary="想当老师要先取得教师资格证：笔试面试合格后，在网上申请认定。",
        keywords="教师资格证 当老师 教资认定 考教资 幼师资格",
        audience=PERSON,
        bases=(
            ("中华人民共和国教师法", "第十条"),
            ("中华人民共和国教师法", "第十一条"),
            ("教师资格条例", ""),
        ),
        conditions="遵守宪法和法律，热爱教育事业，具有良好的思想品德；具备规定的学历；"
        "中小学教师资格考试合格；普通话水平达到规定等级；身体条件合格。",
        steps=(
            "网上提交认定申请",
            "现场确认或网上核验材料",
            "审查",
            "作出认定决定",
            "颁发教师资格证书（可邮寄）",
        ),
        materials=(
            m("application_form", "教师资格认定申请表"),
            e("id_card"),
            e("academic_certificate"),
            e("putonghua_cert"),
            e("medical_exam_report", "教师资格认定体检表"),
            e("exam_pass_proof", "中小学教师资格考试合格证明"),
            e("photo"),
        ),
        result="教师资格证书",
        license="teacher_cert",
        topics=("qualification", "jobs"),
        fields=("applicant_name", "id_number", "mobile", "qualification_number", "contact_address"),
        legal=30,
        promised=20,
        legal_note="依《教师资格条例实施办法》规定的认定时限。",
        channels=WEB_MAIL,
    ),
    Item(
        no=3,
        name="义务教育阶段学生转学",
        name_en="School transfer in compulsory education",
        type=PUBLIC_SERVICE,
        summary="因搬家、户籍迁移等原因需要转学的，家长在网上申请，转入、转出学校和教育部门在线办理。",
        keywords="转学 换学校 转学籍 搬家转学 插班",
        audience=PERSON,
        bases=(("中华人民共和国义务教育法", "第十二条"), ("中小学生学籍管理办法", "")),
        conditions="因户籍迁移、居住地变化等正当理由；转入学校有学位。",
        steps=("家长网上提交转学申请", "转入学校同意接收", "转出学校和教育部门审核", "学籍系统办理转接"),
        materials=(
            m("application_form", "转学申请表"),
            e("student_record"),
            e("household_register"),
            e("real_estate_info", "新居住地房产信息", when="因居住地变化转学的"),
        ),
        result="转学审核结果",
        result_kind="other",
        topics=("school",),
        fields=(
            "child_name",
            "child_id_number",
            "applicant_name",
            "mobile",
            "school_name",
            "residence_address",
        ),
        legal=20,
        promised=10,
        legal_note="依本市中小学生学籍管理实施细则。",
    ),
]
