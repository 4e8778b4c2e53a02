"""The demo generator's vocabulary: Chinese and English names of people, brands, cities, legal forms and
industries, and the texts of activities, next steps, notes and feedback (two Chinese, two English variants)."""

from __future__ import annotations

from string import ascii_lowercase

import numpy as np

def _split(words: str) -> tuple[np.ndarray, np.ndarray]:   # '王wang 李li' -> (['王', '李'], ['wang', 'li'])
    hanzi = [w.rstrip(ascii_lowercase) for w in words.split()]
    return np.array(hanzi, object), np.array([w[len(h):] for w, h in zip(words.split(), hanzi)], object)


_SURNAME = _split("王wang 李li 张zhang 刘liu 陈chen 杨yang 黄huang 赵zhao 吴wu 周zhou 徐xu 孙sun 马ma 朱zhu 胡hu 郭guo 何he "
                  "林lin 罗luo 高gao 郑zheng 梁liang 谢xie 宋song")
_GIVEN = _split("伟wei 娜na 芳fang 敏min 静jing 强qiang 磊lei 军jun 洋yang 勇yong 艳yan 杰jie 涛tao 明ming 超chao 霞xia "
                "秀英xiuying 平ping 刚gang 桂英guiying 志强zhiqiang 晓东xiaodong 建华jianhua 丽li")
_BRAND = _split("华信huaxin 恒通hengtong 远航yuanhang 鼎盛dingsheng 金桥jinqiao 新元xinyuan 博创bochuang 瑞丰ruifeng "
                "宏达hongda 天成tiancheng 中科zhongke 永泰yongtai 盛世shengshi 东方dongfang 长城changcheng 正泰zhengtai "
                "明阳mingyang 海川haichuan 嘉禾jiahe 立信lixin 汇通huitong 联创lianchuang 安泰antai 凯盛kaisheng "
                "众诚zhongcheng 卓越zhuoyue 晨光chenguang 精工jinggong 星河xinghe 启明qiming")
_FIRST, _LAST, _EN_BRAND = (np.array(words.split(), object) for words in (
    "James Emma Oliver Sophia Liam Olivia Noah Ava Lucas Mia Ethan Chloe Daniel Grace Henry Hannah Jack Lily Samuel "
    "Zoe David Laura Michael Sarah", "Smith Johnson Brown Taylor Wilson Clark Walker Wright Hughes Green Baker Turner "
    "Carter Morgan Cooper Reed Kelly Foster Bennett Hayes Murphy Price Ward Fisher", "Northwind Bluewater Summit Apex "
    "Pioneer Crescent Evergreen Silverline Redwood Harbor Keystone Atlas Meridian Horizon Granite Lakeside Ironbridge "
    "Brightstar Oakridge Westfield Clearwater Highland Riverstone Sterling Falcon Cobalt Maple Beacon Orion Vantage"))
_CITIES = np.array([c.split() for c in ("上海 杭州 苏州 南京 宁波 无锡", "深圳 广州 东莞 佛山 厦门 珠海",
                                        "北京 天津 青岛 济南 大连 石家庄", "成都 重庆 西安 昆明 贵阳 兰州")], object)
_ZH_LEGAL = np.array(["有限公司", "股份有限公司", "集团有限公司"], object)
_EN_LEGAL = np.array(["Ltd", "Inc.", "GmbH", "Pte Ltd", "LLC", "Co., Ltd"], object)
_INDUSTRIES = np.array([row.split("/") for row in (   # industry, Chinese and English name parts
    "Manufacturing/精密机械/Machinery", "Electronics/电子科技/Electronics", "Automotive/汽车零部件/Auto Parts",
    "Food & Beverage/食品/Foods", "Software & IT/信息技术/Analytics", "Construction/建材/Materials", "Logistics/物流/Logistics",
    "Healthcare/医疗器械/Medical", "Chemicals/化工/Chemicals", "Textiles/纺织/Textiles", "Energy/新能源/Energy")], object)


_TEXT = {key: text.split("|") for key, text in {  # two Chinese variants, then two English (next_step: per stage)
    "call": "电话沟通项目进度|跟进报价反馈|Call to check project status|Follow-up call on the quotation",
    "email": "发送产品资料和案例|邮件发送报价单|Sent brochure and case studies|Emailed the quotation",
    "meeting": "与技术团队讨论方案|与采购讨论商务条款|Solution meeting with engineering|Commercial terms with procurement",
    "visit": "拜访客户工厂，了解产线现状|上门拜访采购负责人|Site visit, reviewed the production line|Visited purchasing",
    "demo": "产品演示，客户反馈积极|在线演示数据分析功能|Product demo, positive feedback|Online demo of analytics",
    "after_sales": "售后回访，设备运行正常|催收回款|After-sales check-in, all running fine|Payment collection call",
    "next_action": "发送修订报价|预约下次拜访|Send revised quote|Book next visit",
    "next_step": "确认预算和联系人|预约关键人会议|客户书面确认需求|演示方案并收集反馈|推进合同签署|Qualify budget and contact|"
                 "Meet the decision maker|Get needs confirmed in writing|Present the proposal|Push for signature",
    "note": "喜欢微信沟通，对价格敏感|决策需集团总部批准|Prefers email, price sensitive|Budget owner for the fiscal year",
    "good": "服务响应很快，非常满意|设备稳定，质量可靠|Great support, quick response|Reliable equipment, no downtime",
    "neutral": "整体还可以，交期可以更快|价格略高|OK overall, delivery could be faster|A bit pricey",
    "bad": "交货延迟，影响生产|售后响应太慢|Late delivery hurt our production|After-sales response too slow",
}.items()}
