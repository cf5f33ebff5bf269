"""A synthetic catalogue of N documents for the scale test: the real seed documents plus generated
items that look like a big city's catalogue (district × department × object × action), deterministic
for a given seed.

Generated names never equal a seed name, but they share its vocabulary (许可, 登记, 备案, 食品, 公积金,
消防 …) and some summaries borrow clauses of seed summaries, so they are realistic distractors for the
evaluation queries rather than noise that nothing would match.
"""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Sequence

from tongban.search.types import SearchDoc

DEFAULT_SEED = 20240611

# 上海市的16个区 (code, name).
DISTRICTS = (
    ("310101", "黄浦区"),
    ("310104", "徐汇区"),
    ("310105", "长宁区"),
    ("310106", "静安区"),
    ("310107", "普陀区"),
    ("310109", "虹口区"),
    ("310110", "杨浦区"),
    ("310112", "闵行区"),
    ("310113", "宝山区"),
    ("310114", "嘉定区"),
    ("310115", "浦东新区"),
    ("310116", "金山区"),
    ("310117", "松江区"),
    ("310118", "青浦区"),
    ("310120", "奉贤区"),
    ("310151", "崇明区"),
)

DEPARTMENTS = (
    ("市场监督管理局", "samr"),
    ("卫生健康委员会", "wsjkw"),
    ("公安分局", "gaj"),
    ("人力资源和社会保障局", "rsj"),
    ("税务局", "swj"),
    ("消防救援支队", "fire"),
    ("建设和管理委员会", "zjw"),
    ("规划和自然资源局", "ghzyj"),
    ("生态环境局", "sthj"),
    ("交通委员会", "jtw"),
    ("民政局", "mzj"),
    ("教育局", "edu"),
    ("医疗保障局", "ybj"),
    ("绿化和市容管理局", "lhsr"),
    ("商务委员会", "sww"),
    ("司法局", "sfj"),
    ("文化和旅游局", "whlyj"),
    ("发展和改革委员会", "fgw"),
    ("住房保障和房屋管理局", "fgj"),
    ("应急管理局", "yjj"),
    ("水务局", "swuj"),
    ("农业农村委员会", "nyncw"),
    ("体育局", "tyj"),
    ("退役军人事务局", "tyjrj"),
    ("城市管理行政执法局", "cgzf"),
    ("残疾人联合会", "cjrlh"),
    ("住房公积金管理中心", "gjj"),
    ("档案局", "daj"),
    ("气象局", "qxj"),
    ("民防办", "mfb"),
)

# Objects of administrative acts that the seed catalogue does not have.
OBJECTS = (
    "农药经营",
    "兽药经营",
    "种子生产经营",
    "饲料生产",
    "水产养殖",
    "渔业船舶",
    "内河船舶",
    "文物修复",
    "档案查阅",
    "地名命名",
    "测绘资质",
    "气象探测环境保护",
    "防雷装置设计",
    "人防工程",
    "广播电视节目制作",
    "互联网上网服务营业场所",
    "出版物零售",
    "印刷经营",
    "电影放映",
    "高危险性体育项目",
    "民用爆炸物品购买",
    "保安服务",
    "典当",
    "拍卖",
    "再生资源回收",
    "二手车交易市场",
    "机动车维修",
    "驾驶员培训",
    "港口经营",
    "水路运输",
    "林木采伐",
    "野生动物人工繁育",
    "种畜禽生产",
    "动物防疫条件",
    "动物诊疗",
    "生猪定点屠宰",
    "粮食收购",
    "食盐批发",
    "烟草专卖零售",
    "成品油零售",
    "充电设施建设",
    "燃气燃烧器具安装维修",
    "放射诊疗",
    "辐射安全",
    "消毒产品生产",
    "化妆品生产",
    "中医诊所",
    "互联网医院",
    "母婴保健技术服务",
    "计量器具型式",
    "检验检测机构资质",
    "商标专用权质押",
    "专利实施许可合同",
    "房地产经纪机构",
    "物业服务企业",
    "住宅专项维修资金使用",
    "公共租赁住房",
    "人才公寓",
    "外国人来华工作",
    "港澳台居民居住证",
    "退役军人优待证",
    "宗教活动场所",
    "经营性公墓",
    "收养",
    "志愿服务组织",
    "农村宅基地",
    "土地承包经营权",
    "临时用地",
    "地质灾害危险性评估",
    "采矿权",
    "海域使用权",
    "大型群众性活动安全",
    "焰火燃放",
    "临时占用道路",
    "超限运输车辆",
    "公路建筑控制区",
    "机动车停车场",
    "快递业务经营",
    "无线电台",
    "卫星电视地面接收设施",
    "美术品经营",
    "社会艺术水平考级",
    "校外培训机构",
    "民办学校办学",
    "中外合作办学",
    "学历证书",
    "毕业生就业报到",
    "人事档案转递",
    "职称评审",
    "职业技能等级",
    "专业技术人员继续教育",
    "城市排水设施",
    "供水水质",
    "二次供水设施",
    "防汛设施",
    "水土保持方案",
    "建筑节能",
    "绿色建筑标识",
    "装配式建筑",
    "既有建筑幕墙",
    "房屋安全鉴定",
    "历史风貌保护建筑",
    "户外临时设施",
    "生活垃圾分类",
    "餐厨废弃油脂",
    "市容环境卫生责任区",
    "公厕",
    "古树名木",
    "公园绿地",
    "体育场馆开放",
    "游泳场所",
    "会展活动",
    "报废机动车回收",
    "商业特许经营",
    "对外贸易经营者",
    "外商投资企业",
    "进出口商品检验",
    "原产地证书",
    "消费券",
    "老字号",
    "统计调查项目",
    "价格认定",
    "政府信息公开",
    "人大代表建议",
)

# Seed vocabulary joined to suffixes that make a different service (食品 → 食品抽检结果查询 …).
SEED_STEMS = (
    "食品",
    "药品",
    "医疗器械",
    "营业执照",
    "身份证",
    "户口",
    "驾驶证",
    "护照",
    "居住证",
    "社保",
    "医保",
    "公积金",
    "养老金",
    "发票",
    "个人所得税",
    "消防",
    "施工",
    "燃气",
    "排水",
    "餐饮",
    "旅行社",
    "演出",
    "婚姻",
    "残疾人",
    "低保",
    "疫苗",
    "出租车",
    "网约车",
    "货车",
    "不动产",
    "环评",
    "招牌",
    "广告",
    "酒类",
    "预付卡",
    "律师",
    "教师",
    "导游",
    "养犬",
    "宽带",
)
STEM_SUFFIXES = (
    "抽检结果",
    "投诉举报",
    "信息公开",
    "从业人员培训",
    "安全检查记录",
    "统计报表",
    "补贴资金",
    "信用评价",
    "行政处罚",
    "档案",
    "服务评价",
    "满意度调查",
    "标准化建设",
    "示范单位评选",
    "专项资金",
)

ACTIONS = (
    "许可",
    "登记",
    "备案",
    "申领",
    "核准",
    "审批",
    "变更",
    "注销",
    "延续",
    "补办",
    "查询",
    "认定",
    "核发",
    "换证",
    "年度报告",
    "证明开具",
    "资格确认",
    "验收",
    "评估",
    "申报",
)
# A licence-like act can be renewed, changed, cancelled; any act can be for a person or an organisation.
LICENCE_ACTIONS = {"许可", "登记", "备案", "核准", "认定", "核发"}
LICENCE_QUALIFIERS = ("", "", "", "（延续）", "（变更）", "（注销）", "（补证）", "（首次）")
OTHER_QUALIFIERS = ("", "", "", "（个人）", "（单位）")
# What one does with a record rather than a licence (食品抽检结果查询, 公积金统计报表申报 …).
STEM_ACTIONS = ("查询", "申报", "公示", "登记", "备案", "证明开具", "评估", "申请")

MATERIALS = (
    "申请表",
    "身份证明",
    "营业执照副本",
    "场所使用证明",
    "承诺书",
    "授权委托书",
    "技术人员名单",
    "设备清单",
    "管理制度",
    "现场照片",
    "平面布局图",
    "检测报告",
    "合同",
    "章程",
    "资金证明",
)
PHRASES = (
    "全程网办",
    "一网通办",
    "最多跑一次",
    "当场办结",
    "承诺制审批",
    "预约办理",
    "邮寄送达",
    "材料清单",
    "办理流程",
    "免费办理",
    "窗口受理",
    "跨区通办",
)
_CLAUSE = re.compile(r"[^，。；：！？、]+")


def synthetic_catalogue(
    seed_docs: Sequence[SearchDoc], size: int = 20_000, seed: int = DEFAULT_SEED
) -> list[SearchDoc]:
    """The seed documents followed by generated ones, ``size`` documents in all (never fewer than the
    seed documents)."""
    rng = random.Random(seed)
    docs = list(seed_docs)
    names = {d.name for d in docs}
    clauses = sorted(
        {c for d in seed_docs for c in _CLAUSE.findall(d.summary) if 4 <= len(c) <= 20},
    )
    number = 0
    while len(docs) < size:
        number += 1
        district_code, district = rng.choice(DISTRICTS) if rng.random() < 0.6 else ("", "")
        if rng.random() < 0.3:
            obj = rng.choice(SEED_STEMS) + rng.choice(STEM_SUFFIXES)
            action = rng.choice(STEM_ACTIONS)
        else:
            obj = rng.choice(OBJECTS)
            action = rng.choice(ACTIONS)
        qualifiers = LICENCE_QUALIFIERS if action in LICENCE_ACTIONS else OTHER_QUALIFIERS
        name = f"{district}{obj}{action}{rng.choice(qualifiers)}"
        if name in names:
            continue
        names.add(name)
        # The same object always belongs to the same department (crc32: stable across processes).
        dept_name, dept_slug = DEPARTMENTS[zlib.crc32(obj.encode()) % len(DEPARTMENTS)]
        department = f"{district or '上海市'}{dept_name}"
        keywords = " ".join(
            dict.fromkeys(
                [
                    obj,
                    f"办{obj}",
                    f"{obj}{rng.choice(ACTIONS)}",
                    *rng.sample(PHRASES, 2),
                    *([district] if district else []),
                ]
            )
        )
        summary = (
            f"{district or '本市'}范围内申请{obj}{action}的，由{department}受理。"
            f"{rng.choice(PHRASES)}，法定时限{rng.randint(1, 20)}个工作日，"
            f"承诺时限{rng.randint(1, 10)}个工作日。"
        )
        if clauses and rng.random() < 0.25:
            summary += rng.choice(clauses) + "。"
        materials = "、".join(rng.sample(MATERIALS, rng.randint(2, 5)))
        body = (
            f"申请材料：{materials}。办理流程：网上申请、受理、审查、决定、送达。"
            f"常见问题：{obj}{action}需要多长时间？一般在承诺时限内办结。"
        )
        docs.append(
            SearchDoc(
                kind="item",
                code=f"SYN{number:06d}",
                name=name,
                department=department,
                department_slug=dept_slug,
                keywords=keywords,
                summary=summary,
                body=body,
                audiences=frozenset(rng.sample(("natural", "legal"), rng.randint(1, 2))),
                districts=frozenset({district_code}) if district_code else frozenset(),
            )
        )
    return docs
