"""Static vocabulary of the sample company: regions, cities, industries, notes, campaigns.

Free-text material deliberately contains what a CSV loader must survive: commas, double quotes,
line breaks, and text starting with `=`, `+`, `-` or `@` (spreadsheet formula injection).
"""

from __future__ import annotations

REGIONS: tuple[str, ...] = ("华东", "华南", "华北", "华中", "西南", "西北", "东北")

CITIES: dict[str, tuple[str, ...]] = {
    "华东": ("上海", "杭州", "南京", "苏州", "宁波", "合肥"),
    "华南": ("广州", "深圳", "东莞", "佛山", "厦门"),
    "华北": ("北京", "天津", "石家庄", "太原"),
    "华中": ("武汉", "长沙", "郑州", "南昌"),
    "西南": ("成都", "重庆", "昆明", "贵阳"),
    "西北": ("西安", "兰州", "银川", "乌鲁木齐"),
    "东北": ("沈阳", "大连", "长春", "哈尔滨"),
}

# First two digits of the administrative division code used inside unified credit codes.
REGION_DIVISION: dict[str, tuple[str, ...]] = {
    "华东": ("31", "33", "32", "34"),
    "华南": ("44", "35", "45"),
    "华北": ("11", "12", "13", "14"),
    "华中": ("42", "43", "41", "36"),
    "西南": ("51", "50", "53", "52"),
    "西北": ("61", "62", "64", "65"),
    "东北": ("21", "22", "23"),
}

INDUSTRIES: tuple[str, ...] = (
    "制造业",
    "零售",
    "医疗",
    "教育",
    "金融",
    "物流",
    "餐饮",
    "互联网",
    "能源",
    "建筑",
    "汽车",
    "农业",
)

MOBILE_PREFIXES: tuple[str, ...] = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150",
    "151", "152", "155", "156", "158", "159", "166", "176", "177", "180",
    "181", "185", "186", "187", "188", "189", "191", "198", "199",
)  # fmt: skip

EMAIL_LOCALS: tuple[str, ...] = (
    "sales", "info", "purchase", "caigou", "admin", "service", "contact", "office",
    "zhang.wei", "wang.fang", "li.na", "liu.yang", "chen.jie", "yang.li", "zhao.min", "huang.lei",
)  # fmt: skip

EMAIL_DOMAINS: tuple[str, ...] = (
    "163.com", "126.com", "qq.com", "sina.com",
    "aliyun.com", "foxmail.com", "139.com", "outlook.com",
)  # fmt: skip

# Company names that need CSV quoting or contain ASCII punctuation.
AWKWARD_COMPANY_NAMES: tuple[str, ...] = (
    '"优品"贸易有限公司',
    "Sunrise Trading Co., Ltd.",
    "华美（集团）股份有限公司, 采购部",
    '=HYPERLINK("http://example.com")科技有限公司',
)

TEAM_KIND_LABEL: dict[str, str] = {
    "direct": "直销",
    "channel": "渠道",
    "ecommerce": "电商运营",
    "key_account": "大客户",
}

CHINESE_NUMERALS: tuple[str, ...] = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")

PLATFORM_LABEL: dict[str, str] = {
    "tmall": "天猫",
    "jd": "京东",
    "douyin": "抖音",
    "own_site": "官网",
    "pinduoduo": "拼多多",
}

BRANDS: tuple[str, ...] = ("鑫源", "瑞丰", "嘉禾", "恒泰", "云启", "优品", "百川", "青禾")

# (name, month, first day, last day, order boost inside the window, boost on the peak day)
CAMPAIGN_CALENDAR: tuple[tuple[str, int, int, int, float, float], ...] = (
    ("年货节", 1, 5, 20, 1.3, 1.6),
    ("38女王节", 3, 1, 8, 1.4, 2.5),
    ("618", 6, 1, 18, 1.7, 4.0),
    ("99划算节", 9, 1, 9, 1.3, 2.0),
    ("双11", 11, 1, 11, 2.0, 6.0),
    ("双12", 12, 8, 12, 1.4, 3.0),
)

VISIT_NOTES: tuple[str, ...] = (
    "拜访采购部，客户对价格敏感，希望年底前试用",
    "客户反馈: 现有供应商交期不稳定, 有切换意向",
    'Met the buyer; said "bulk pricing" must beat last year, follow up next week',
    "1. 了解现有供应商\n2. 确认预算范围\n3. 约下次技术交流",
    "=SUM(A1:A3) 客户提供的报价对比表已收到",
    "+86 138 0013 8000 采购王经理的直线电话",
    "-20% 折扣要求，需要请示经理",
    "@李娜 请安排样品寄送",
    "客户说：“预算已批”，但需要三家比价",
    '现场演示顺利，IT 部门提出单点登录需求，"必须支持"',
    "老客户回访，年度框架合同续签意向明确",
    "客户新换采购负责人，重新建立关系",
)

NEXT_STEPS: tuple[str, ...] = (
    "下周二前发送正式报价",
    "安排技术交流会",
    "寄送样品并跟进试用反馈",
    "提交方案给客户决策层, 等待评审",
    "=约客户高层吃饭",
    "-- 待定 --",
    "月底前签框架合同",
    "@王经理 协调交付排期",
)

REPORT_NOTES: tuple[str, ...] = (
    "需求挖掘报告：客户年采购额约 300 万，痛点在交付周期",
    "客户组织架构、预算流程已梳理, 决策人为分管副总",
    "调研结论:\n- 痛点: 库存周转慢\n- 预算: 已列入下季度\n- 决策: 采购委员会",
)

DISTRIBUTOR_NOTES: tuple[str, ...] = (
    "走访经销商仓库，库存充足，铺货意愿强",
    "经销商反映返点政策不清晰, 需要区域经理确认",
    "培训门店导购 12 人，讲解新品卖点",
    '经销商老板说"旺季前要加大备货"',
)

TARGET_REASONS_MIDYEAR: tuple[str, ...] = (
    "年中调整",
    "年中调整：市场需求下滑",
    "年中调整：新品上市，目标上调",
)

RECEIPT_METHODS: tuple[str, ...] = ("bank_transfer", "bank_acceptance_bill", "alipay", "wechat_pay")
