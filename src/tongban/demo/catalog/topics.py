"""Topics (主题): life events for individuals, business events for companies and organisations."""

from __future__ import annotations

from tongban.demo.catalog.spec import TopicSpec as T

LIFE = "life_event"
BUSINESS = "business_event"

# fmt: off
TOPICS: list[T] = [
    T("birth", "出生", "Having a baby", LIFE, "natural", 10),
    T("school", "上学", "Going to school", LIFE, "natural", 20),
    T("jobs", "就业", "Work and jobs", LIFE, "natural", 30),
    T("marriage", "婚育", "Marriage and family", LIFE, "natural", 40),
    T("identity", "户籍证件", "ID, household and residence", LIFE, "natural", 50),
    T("housing", "住房", "Housing", LIFE, "natural", 60),
    T("travel", "出行", "Driving and travel", LIFE, "natural", 70),
    T("health", "医疗", "Health and medical insurance", LIFE, "natural", 80),
    T("social_security", "社保", "Social insurance", LIFE, "natural", 90),
    T("retirement", "养老", "Retirement and old age", LIFE, "natural", 100),
    T("assistance", "救助", "Social assistance", LIFE, "natural", 110),
    T("disability", "残疾人", "Disability services", LIFE, "natural", 120),
    T("posthumous", "身后", "After a death", LIFE, "natural", 130),
    T("daily_life", "生活服务", "Daily life", LIFE, "natural", 140),
    T("qualification", "职业资格", "Professional qualifications", LIFE, "natural", 150),
    T("start_business", "开办企业", "Starting a business", BUSINESS, "legal", 10),
    T("permits", "经营许可", "Operating permits", BUSINESS, "legal", 20),
    T("changes", "变更", "Changing company details", BUSINESS, "legal", 30),
    T("closure", "注销", "Closing a business", BUSINESS, "legal", 40),
    T("staff", "员工", "Hiring and staff", BUSINESS, "legal", 50),
    T("tax", "纳税", "Tax", BUSINESS, "legal", 60),
    T("construction", "工程建设", "Construction projects", BUSINESS, "legal", 70),
    T("utilities", "水电气网", "Water, power, gas and network", BUSINESS, "legal", 80),
    T("credit", "信用", "Credit", BUSINESS, "legal", 90),
    T("transport", "交通运输", "Transport business", BUSINESS, "legal", 100),
    T("health_industry", "医药卫生", "Health and medicine business", BUSINESS, "legal", 110),
    T("environment", "环境保护", "Environment", BUSINESS, "legal", 120),
    T("culture_tourism", "文化旅游", "Culture and tourism", BUSINESS, "legal", 130),
    T("organisations", "社会组织", "Non-profit organisations", BUSINESS, "legal", 140),
    T("safety", "安全生产", "Work safety", BUSINESS, "legal", 150),
]
# fmt: on
