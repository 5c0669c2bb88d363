"""The default frequency rules and key-list rules, with the passages they come from.

Plain data plus one idempotent function, so the data migration (with historical models) and
the demo can both install them. A default that is already there is left as the section
chief last set it: seeding never overwrites a configured value.

Where the seed documents give a number (全覆盖 = at least one visit a year; 5% joint
inspections) the default is that number. Where they only give the principle (风险分级 ×
信用分类, "增加检查频次") the number is this system's default and the source text says so.
"""

from __future__ import annotations

from typing import Any

LUFENG = "《陆丰市全面加强药品监管能力建设工作方案》"
YAOHAI = "《瑶海区2025年药品安全工作要点》"
DAZU = "《大足区药品安全及高质量发展“十四五”规划任务清单》（大足府办发〔2022〕32号）"
YEJI = "《叶集区药品安全巩固提升行动方案》"

RISK_CREDIT_BASIS = (
    f"{LUFENG}（一）：“按照风险分级管理和信用分类监管相结合原则，推进‘双随机、一公开’监管、"
    "重点监管和信用监管有机融合。依据风险分类，以问题为导向，制定年度重点检查清单”；"
    f"{YAOHAI}第3条：“推动信用监管与风险分级监管融合”；{YEJI}附件3："
    "“全面实施医疗器械经营分级监管……制定实施分级监管年度监督检查计划”。"
)
RANDOM_ONLY = "低风险且守信的对象不列入重点清单，由“双随机、一公开”抽查覆盖。"
SYSTEM_NUMBER = "次数为本系统默认值（文件未规定具体次数），请按本地分级监管办法调整。"
CREDIT_RAISE = "失信（C类）、严重失信（D类）对象在同等风险等级上增加检查次数。"

# (entity type, risk grade, credit class, minimum visits, explanation); "" = any, "none" = unrated
FREQUENCY_DEFAULTS: list[tuple[str, str, str, int, str]] = [
    ("", "A", "", 0, RANDOM_ONLY),
    ("", "B", "", 1, "一般风险：每年至少检查1次。"),
    ("", "C", "", 2, "较高风险：每半年至少检查1次。"),
    ("", "D", "", 4, "高风险：每季度至少检查1次。"),
    ("", "none", "", 1, "尚未评定风险等级：先按一般风险每年检查1次，并据检查结果评级。"),
    ("", "A", "C", 1, CREDIT_RAISE),
    ("", "A", "D", 2, CREDIT_RAISE),
    ("", "B", "C", 2, CREDIT_RAISE),
    ("", "B", "D", 3, CREDIT_RAISE),
    ("", "C", "C", 3, CREDIT_RAISE),
    ("", "C", "D", 4, CREDIT_RAISE),
    ("", "none", "C", 2, CREDIT_RAISE),
    ("", "none", "D", 3, CREDIT_RAISE),
]


def frequency_source(explanation: str) -> str:
    return f"{explanation}{SYSTEM_NUMBER}依据：{RISK_CREDIT_BASIS}"


VACCINE_TYPES = ["vaccination_site", "cdc"]
RETAIL_AND_CLINICS = ["retail_pharmacy", "clinic"]

KEY_LIST_DEFAULTS: list[dict[str, Any]] = [
    {
        "code": "vaccine_unit",
        "label": "疫苗接种单位、疾控机构（年度全覆盖）",
        "min_visits": 1,
        "parameters": {"entity_types": VACCINE_TYPES},
        "source": f"{YAOHAI}第7条：“对全区疾控机构、疫苗接种单位实施全覆盖监督检查”；"
        f"{YEJI}附件2：“对辖区内疾控机构、接种单位开展年度全覆盖监督检查，"
        "重点检查疫苗储存运输管理和信息追溯情况”。",
    },
    {
        "code": "vaccine_joint",
        "label": "与区卫生健康委联合检查的疫苗使用单位",
        "min_visits": 1,
        "parameters": {"entity_types": VACCINE_TYPES, "share": 0.05, "partner": "区卫生健康委"},
        "source": f"{YAOHAI}第7条：“按照辖区疫苗使用单位基数的5%左右，由区市场监管局、"
        "区卫生健康委开展联合监督检查”。按比例四舍五入、至少1家；风险等级高者优先，"
        "同等级按年度轮换。",
    },
    {
        "code": "cosmetics_dealer",
        "label": "化妆品经营者（年度全覆盖）",
        "min_visits": 1,
        "parameters": {"entity_types": ["cosmetics_dealer"]},
        "source": f"{DAZU}（三）：“对全区化妆品经营使用企业监督检查全覆盖”。",
    },
    {
        "code": "special_drug",
        "label": "经营/使用特殊药品（麻醉、精神药品，易制毒化学品）",
        "min_visits": 1,
        "parameters": {},
        "source": f"{YAOHAI}第7条：“加大对特殊药品……的监督检查力度。做好麻醉药品、精神药品、"
        f"药品类易制毒化学品等管理”；{YEJI}附件2：“严格落实特殊药品经营企业年度检查频次要求”；"
        f"{DAZU}（三）：“加大对血液制品、特殊药品、注射剂等高风险品种……的储存配送监管”。"
        "对象：持有效的麻醉药品和第一类精神药品购用印鉴卡，或登记为经营/使用特殊药品。",
    },
    {
        "code": "volume_procurement",
        "label": "集采中选药械配送企业、使用单位",
        "min_visits": 1,
        "parameters": {
            "entity_types": [
                "wholesaler",
                "pharmacy_chain",
                "medical_institution",
                "clinic",
                "device_dealer",
            ]
        },
        "source": f"{YEJI}附件2：“强化国家集采中选药品监管。对中选药品配送企业、使用单位开展"
        f"重点监督抽查”，附件3：“对……集采中选品种经营企业、使用单位进行重点抽查”；"
        f"{YAOHAI}第7条：“针对医保高值药品、‘集采’中选药械……加大检查力度”；"
        f"{DAZU}（三）：“重点开展集中带量采购医疗器械的监督检查”。",
    },
    {
        "code": "medical_beauty",
        "label": "开展医疗美容或经营医美药械",
        "min_visits": 1,
        "parameters": {},
        "source": f"{YAOHAI}第7条：“加大对……医疗美容用药械……等重点产品的监督检查力度”；"
        f"{YEJI}附件2：“强化医疗美容药品监管。重点检查注射用A型肉毒毒素购销渠道管理、"
        "信息追溯情况”，附件3：“强化医疗美容医疗器械监管”。",
    },
    {
        "code": "tcm_pieces",
        "label": "经营范围含中药饮片",
        "min_visits": 1,
        "parameters": {"scope_keyword": "中药饮片"},
        "source": f"{YAOHAI}第7条：“针对……中药饮片等品种，加大检查力度”；{YEJI}附件2："
        "“强化中药饮片及中药配方颗粒监管。重点排查非法渠道购进中药饮片”。"
        "对象：有效许可证的经营范围含“中药饮片”。",
    },
    {
        "code": "new_licence",
        "label": "上年度新开办的药品零售企业",
        "min_visits": 2,
        "parameters": {"entity_types": ["retail_pharmacy"]},
        "source": f"{YEJI}附件2：“对日常监督检查发现问题较多、被多次投诉举报以及上年度新开办的"
        "药品零售企业，加大现场检查频次”。对象：最早一张许可证的发证日期在上一年度。"
        "“加大频次”按每年至少2次（本系统默认值）。",
    },
    {
        "code": "rural_fringe",
        "label": "农村、城乡结合部的药品零售企业和诊所",
        "min_visits": 1,
        "parameters": {
            "area_types": ["rural", "urban_fringe"],
            "entity_types": RETAIL_AND_CLINICS,
        },
        "source": f"{YEJI}附件2：“强化对农村、城乡结合部等重点区域药品零售企业和个体诊所的监管”；"
        f"{YAOHAI}第7条：“以城乡结合部、大型医疗机构周边为重点”。对象所在镇街的区域类型"
        "取自镇街设置。",
    },
    {
        "code": "failed_sample",
        "label": "近12个月产品抽检不合格",
        "min_visits": 2,
        "parameters": {},
        "source": f"{DAZU}（三）：“对儿童化妆品、特殊化妆品经营企业及抽检不合格、举报投诉较集中的"
        f"企业增加监督检查频次”；{LUFENG}（十）：“创新药品抽检+日常检查融合监管模式”。"
        "“增加频次”按每年至少2次（本系统默认值）。",
    },
    {
        "code": "repeated_complaints",
        "label": "近12个月投诉举报较集中",
        "min_visits": 2,
        "parameters": {},
        "source": f"{DAZU}（三）：“对……抽检不合格、举报投诉较集中的企业增加监督检查频次”；"
        f"{YEJI}附件2：“被多次投诉举报……加大现场检查频次”。"
        "“增加频次”按每年至少2次（本系统默认值）。",
    },
    {
        "code": "penalty",
        "label": "近12个月受到行政处罚",
        "min_visits": 2,
        "parameters": {},
        "source": f"{LUFENG}（一）：“依据风险分类，以问题为导向，制定年度重点检查清单”；"
        f"{YEJI}附件2：“对日常监督检查发现问题较多……的药品零售企业，加大现场检查频次”。"
        "次数为本系统默认值。",
    },
    {
        "code": "serious_finding",
        "label": "近12个月检查发现严重问题",
        "min_visits": 2,
        "parameters": {},
        "source": f"{YEJI}附件2：“对日常监督检查发现问题较多……的药品零售企业，加大现场检查频次，"
        f"对各类问题线索追根溯源”；{LUFENG}（一）：“以问题为导向”。次数为本系统默认值。",
    },
]


def seed_defaults(frequency_rule_model: Any, key_list_rule_model: Any) -> tuple[int, int]:
    """Install the defaults that are missing; returns how many of each were created. Works
    with the real models and with a migration's historical models."""
    created_frequency = created_key = 0
    for entity_type, risk, credit, visits, explanation in FREQUENCY_DEFAULTS:
        _rule, created = frequency_rule_model.objects.get_or_create(
            entity_type=entity_type,
            risk_grade=risk,
            credit_class=credit,
            defaults={"min_visits": visits, "source": frequency_source(explanation)},
        )
        created_frequency += int(created)
    for order, spec in enumerate(KEY_LIST_DEFAULTS):
        _rule, created = key_list_rule_model.objects.get_or_create(
            code=spec["code"],
            defaults={
                "label": spec["label"],
                "min_visits": spec["min_visits"],
                "parameters": spec["parameters"],
                "source": spec["source"],
                "sort_order": (order + 1) * 10,
                "enabled": True,
            },
        )
        created_key += int(created)
    return created_frequency, created_key
