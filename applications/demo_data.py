"""A fully and plausibly filled declaration for any rule set: for the demo, the PDF, benchmarks.

`demo_form_data(ruleset, on=day)` returns an `Application.data` dict (keyed by section code, see
the contract in applications/) that is valid under the form's types and limits: every required
field filled, texts within `max_length` (near `target_length` where one is given), choice codes
from the field's own choices, dated rows of "last N years" tables within those years, numbers
within `min_value`/`max_value`.

Nothing here names a programme: values are chosen by field code (the vocabulary the rule sets
share: `name`, `birth_date`, `skill_level`, `unit_name` ...), by the rule set's district and
applicant kind, and by the field's type and limits for anything else. Pure: no Django, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from stdnum.cn import ric, uscc

from programmes.ruleset import FormField, RuleSet, Section

# --- who the demo applicant is -----------------------------------------------------------------


@dataclass(frozen=True)
class DemoUnit:
    name: str
    credit_prefix: str
    address: str
    postcode: str
    street: str
    legal_representative: str
    contact_name: str
    contact_phone: str
    nature: str
    industry: str
    parent: str
    system: str

    @property
    def credit_code(self) -> str:
        return self.credit_prefix + uscc.calc_check_digit(self.credit_prefix)


# The demo organisations of portal/demo.py, by the district a rule set serves.
UNITS = {
    "songjiang": DemoUnit(
        name="上海松江精密机械有限公司",
        credit_prefix="91310117MA1J3K8X2",
        address="上海市松江区车墩镇车峰路88号",
        postcode="201611",
        street="车墩镇",
        legal_representative="周建国",
        contact_name="王芳",
        contact_phone="021-57600001",
        nature="有限责任公司",
        industry="通用设备制造业",
        parent="上海松江精密机械集团",
        system="松江区经济委员会",
    ),
    "qingpu": DemoUnit(
        name="上海青浦智能制造股份有限公司",
        credit_prefix="91310118MA1M5N6P7",
        address="上海市青浦区香花桥街道天辰路999号",
        postcode="201708",
        street="香花桥街道",
        legal_representative="徐志强",
        contact_name="陆佳",
        contact_phone="021-59700004",
        nature="股份有限公司",
        industry="专用设备制造业",
        parent="上海青浦智能制造集团",
        system="青浦区经济委员会",
    ),
    "shizhong": DemoUnit(
        name="枣庄市市中区精工机械有限公司",
        credit_prefix="91370402MA3C7D8E9",
        address="山东省枣庄市市中区光明路街道光明大道66号",
        postcode="277100",
        street="光明路街道",
        legal_representative="孔令军",
        contact_name="张红",
        contact_phone="0632-3300005",
        nature="有限责任公司",
        industry="通用设备制造业",
        parent="枣庄市精工机械集团",
        system="市中区工业和信息化局",
    ),
}
# Organisation applicants of Songjiang apply as the demo training centre.
TRAINING_UNIT = DemoUnit(
    name="上海松江高技能人才培训中心有限公司",
    credit_prefix="91310117MA1K4L2Q0",
    address="上海市松江区松江经济技术开发区荣乐东路2号",
    postcode="201613",
    street="松江经济技术开发区",
    legal_representative="顾明",
    contact_name="顾敏",
    contact_phone="021-57700003",
    nature="有限责任公司",
    industry="职业技能培训",
    parent="松江区人力资源和社会保障局",
    system="松江区人力资源和社会保障局",
)
UNIONS = {
    "songjiang": "松江区总工会",
    "qingpu": "青浦区总工会",
    "shizhong": "市中区总工会",
    "shanghai": "松江区总工会",
}


def demo_unit(ruleset: RuleSet) -> DemoUnit:
    identity = ruleset.identity
    if identity.applicant_kind == "organisation" and identity.district == "songjiang":
        return TRAINING_UNIT
    return UNITS.get(identity.district, UNITS["songjiang"])


def demo_birth_date(on: date) -> date:
    """44 years old on `on`: within every age limit and far from retirement."""
    return date(on.year - 44, 6, 15)


def demo_id_number(birth: date, *, male: bool = True) -> str:
    """A resident ID number that checks (GB 11643-1999), registered in Xuhui, Shanghai."""
    sequence = "101" if male else "102"
    prefix = f"310104{birth:%Y%m%d}{sequence}"
    return prefix + ric.calc_check_digit(prefix + "0")


# --- texts ---------------------------------------------------------------------------------------

PERSON_POOL = [
    "本人长期在数控加工一线岗位从事精密零件车削工作，熟练掌握多轴联动数控车铣复合加工技术。",
    "牵头攻克航空发动机机匣薄壁件加工变形难题，产品合格率由82%提高到98.5%。",
    "总结形成“分层切削、对称去量”薄壁件加工操作法，在公司三个车间推广应用。",
    "主持完成数控车床自动上下料改造项目，单班产能提高35%，年节约人工成本约120万元。",
    "先后带徒18名，其中5人取得高级技师、9人取得技师职业资格。",
    "担任松江区职业技能竞赛数控车工项目裁判长，参与编写区级竞赛技术文件。",
    "获得国家发明专利2项、实用新型专利6项，其中3项已在生产中转化应用。",
    "带领“李明技能大师工作室”团队开展技术攻关21项，累计创造经济效益860余万元。",
    "参与制定企业标准《精密轴类零件数控车削工艺规范》，填补了公司在该领域的标准空白。",
    "坚持每年为职业院校学生开设数控加工实训课程，累计授课400余学时。",
    "在疫情期间带领班组连续奋战，保障了重点客户关键零部件按期交付。",
    "注重新技术学习，先后完成五轴加工、工业机器人编程等新技术培训并取得证书。",
    "将数字化检测引入车削过程，实现关键尺寸在线测量与补偿，废品率下降60%。",
    "组织开展“师带徒”结对活动，建立徒弟成长档案和阶段考核制度。",
    "多次承担公司新产品首件试制任务，平均试制周期由15天缩短到8天。",
    "撰写的技术论文在《金属加工》等期刊发表，并在行业交流会上作经验介绍。",
    "热心公益，参加劳模工匠进社区、进校园活动，宣讲工匠精神。",
    "在长三角数控技能交流活动中代表松江区作技术展示，获得同行好评。",
]
ORGANISATION_POOL = [
    "单位高度重视高技能人才培养工作，成立了由总经理任组长的技能人才工作领导小组。",
    "建立了首席技师选拔聘用、考核激励和退出管理制度，做到选聘程序公开、结果公示。",
    "现有实训场地2800平方米，配备数控车床、加工中心、工业机器人等实训设备126台（套）。",
    "拥有专兼职培训师资42人，其中高级技师11人、技师19人，并聘请职业院校教师担任兼职教师。",
    "近三年累计开展各类职业技能培训6800余人次，其中高技能人才培训1900余人次。",
    "按职工工资总额的1.5%足额提取职工教育经费，其中60%以上用于一线职工教育培训。",
    "每年举办职工技能比武，设立数控车工、钳工、电工等6个比赛项目，参赛职工300余人。",
    "对首席技师每月发放岗位津贴，并在职称评聘、评优评先中予以倾斜。",
    "与上海电机学院、松江区职业技术学校共建实训基地，开展订单式培养和现代学徒制试点。",
    "首席技师工作室配备独立场地120平方米及专用设备，每年安排工作经费不少于20万元。",
    "围绕企业转型升级需要，重点培养智能制造、工业机器人运维等紧缺工种高技能人才。",
    "建立技能人才职业发展通道，实现技能等级与岗位工资、职务晋升挂钩。",
    "近三年新增高级技师26人、技师58人、高级工143人，高技能人才占技能人才比例达38%。",
    "定期组织首席技师赴先进企业交流学习，每年选派骨干参加高级研修班。",
    "项目实施期间将完成技术革新、技术攻关项目不少于6项，总结推广先进操作法3项。",
    "培训成果通过技能等级认定、技能竞赛和岗位练兵等方式检验，考核结果记入职工培训档案。",
    "单位配套经费专款专用，建立经费台账，接受主管部门和财政部门的监督检查。",
]

TEXTS: dict[str, list[str]] = {
    "summary": [
        "本人从事数控车削加工22年，擅长航空精密薄壁件和难加工材料的数控车铣复合加工。",
        "带徒18名，推广先进操作法3项，主持技术革新12项，获国家发明专利2项、实用新型专利6项。",
    ],
    "details": [
        "一、攻克关键技术难题。针对航空发动机机匣薄壁件加工易变形、尺寸难保证的问题，本人带领团队经过半年多的反复试验，"
        "提出“分层切削、对称去量、低应力装夹”的加工方法，自行设计专用涨胎夹具，使产品合格率由82%提高到98.5%，"
        "每年为公司减少废品损失约260万元。该方法已总结为公司标准操作法，在三个车间推广应用。",
        "二、推动设备技术改造。主持完成6台数控车床的自动上下料改造和在线测量系统加装，实现关键尺寸自动补偿，"
        "单班产能提高35%，废品率下降60%，年节约人工成本约120万元。改造方案获松江区职工合理化建议优秀成果奖。",
        "三、传技带徒成效显著。作为“李明技能大师工作室”领办人，制定带徒计划和考核标准，累计带徒18名，"
        "其中5人晋升高级技师、9人晋升技师，3名徒弟在上海市职业技能竞赛中获奖，1人被评为松江工匠。",
        "四、参与标准与竞赛工作。参与制定企业标准2项，担任松江区职业技能竞赛数控车工项目裁判长，"
        "为区内企业和职业院校开展技术讲座30余场，受众1500余人次。",
        "五、积极服务社会。参加劳模工匠助企行活动，为区内中小企业解决加工技术难题14项，"
        "在长三角数控技能交流活动中代表松江区作技术展示。",
    ],
    "team": [
        "目前带领的“李明技能大师工作室”团队共有成员12人，其中高级技师4人、技师6人、高级工2人，平均年龄34岁。",
        "团队近三年承担公司级以上技术攻关项目21项，获得专利9项，形成先进操作法3项，累计创造经济效益860余万元。",
        "团队成员中1人获评松江工匠，2人获得上海市职业技能竞赛三等奖。",
    ],
    "deeds": [
        "李明同志现任{unit}数控车间主任，从事数控车削加工工作二十余年。",
        "他扎根生产一线，刻苦钻研技术，练就了一手精湛的数控加工绝活，被同事们称为车间里的“技术大拿”。",
        "面对企业承接的高精度液压阀体加工任务，他带领班组反复试验，改进装夹方式和刀具参数，使关键尺寸精度稳定在0.005毫米以内，产品一次交验合格率达到99%。",
        "他主持完成数控车床自动上下料改造，使单班产能提高35%，每年为企业节约成本一百余万元。",
        "他注重技术创新，获得国家发明专利2项、实用新型专利6项，总结的“分层切削”操作法在全市同行业推广。",
        "他热心传技带徒，先后带出徒弟18名，其中5人成长为高级技师，徒弟们在省市技能大赛中多次获奖。",
        "他常说：“干一行就要爱一行、钻一行，零件上差一丝，产品就可能差一截。”",
        "为了摸清一种新型钛合金材料的切削性能，他连续两个月每天在机床边记录数据，积累了上千组试验参数，最终确定了最佳切削方案。",
        "他把多年积累的经验整理成图文并茂的操作手册，在车间推广使用，让青年职工少走了弯路。",
        "他牵头成立的技能大师工作室，近四年完成技术攻关项目21项，为企业创造经济效益860余万元。",
        "在企业转型升级过程中，他主动学习工业机器人编程和数字化检测技术，带领班组建成了全区首条数控车削自动化生产线。",
        "他多次代表企业参加省市职业技能竞赛，获得山东省技术能手称号，并担任市级技能竞赛裁判。",
        "他还积极参加技能进校园活动，为职业院校学生讲授实训课程，把工匠精神传递给更多年轻人。",
        "二十多年来，他始终坚守在生产一线，用精益求精的态度和一丝不苟的作风诠释了新时代产业工人的担当。",
    ],
    "self_statement": [
        "本人自参加工作以来一直在数控加工一线岗位工作，现为数控车工高级技师、工程师。",
        "技术特长是航空精密薄壁件、难加工材料的数控车铣复合加工和工艺编制，能够独立完成五轴加工编程与调试。",
        "工作中主持完成技术革新12项，获得国家发明专利2项、实用新型专利6项，总结的“分层切削、对称去量”操作法在公司推广。",
        "作为技能大师工作室领办人，本人累计带徒18名，其中5人晋升高级技师，3人在上海市职业技能竞赛中获奖。",
    ],
    "craftsmanship_understanding": [
        "工匠精神就是执着专注、精益求精、一丝不苟、追求卓越，把每一个零件都当作作品来对待。",
    ],
    "innovations": [
        "发明“薄壁件低应力涨胎夹具”，获国家发明专利；总结“分层切削、对称去量”先进操作法。",
        "参与编制企业标准《精密轴类零件数控车削工艺规范》，完成数控车床自动上下料改造项目。",
    ],
    "apprentices": [
        "近四年与18名青年职工签订师徒协议，制定个人培养计划，每月开展技术讲评。",
        "徒弟中5人取得高级技师、9人取得技师职业资格，3人在省市技能竞赛中获奖。",
    ],
    "chief_technician_system": [
        "公司2019年起实行首席技师制度，制定《首席技师选拔聘用管理办法》，经职工代表大会审议通过。",
        "首席技师由车间推荐、专家评审、公司公示后聘任，聘期三年，年度考核与津贴挂钩。",
    ],
    "studio_and_team": [
        "公司为首席技师工作室提供独立场地120平方米，配备五轴加工中心、三坐标测量仪等设备，每年安排工作经费20万元。",
        "工作室团队成员12人，其中高级技师4人、技师6人。",
    ],
    "benefits": [
        "首席技师每月享受岗位津贴3000元，年度考核优秀的另发奖励；每年安排外出交流学习和培训进修不少于两次。",
    ],
    "training": [
        "公司按职工工资总额的1.5%提取职工教育经费，近三年共计提取386万元，其中一线职工培训支出占68%。",
        "每年组织职业技能培训和技能竞赛，近三年培训职工4200余人次。",
    ],
    "innovation_tasks": [
        "资助期内组织团队承担智能产线关键零件加工工艺攻关、数控设备在线检测改造等技术攻关任务不少于6项。",
    ],
    "promotion_tasks": [
        "推广五轴联动加工新工艺和在线测量补偿技术，总结形成先进操作法3项并在集团内推广。",
    ],
    "other_tasks": [
        "完成公司布置的新产品试制、技能竞赛集训和青年职工培养等工作任务。",
    ],
    "record_and_plan": [
        "近三年共开展高技能人才培训项目9个，培训数控车工、电工、工业机器人系统运维员等工种2860人次，其中取得技师以上等级证书412人。",
        "今后三年计划每年培养高级技师20名、技师60名，重点面向松江区先进制造业企业紧缺工种。",
    ],
    "conditions": [
        "中心拥有实训场地2800平方米，建有数控加工、智能制造、电工电子等6个实训区，设备126台（套）。",
        "拥有专兼职师资42人，并与区内12家企业建立合作，聘请企业首席技师担任实训指导教师。",
    ],
    "incentives": [
        "建立技能等级与薪酬挂钩机制，对取得高级技师、技师的职工分别给予每月1500元、800元技能津贴，并在评优评先中优先推荐。",
    ],
    # the five powers (引领力、实践力、创新力、攻关力、传承力), three items each
    "taking_on_heavy_tasks": [
        "主动承担航空发动机机匣等公司最难加工的关键零件生产任务，连续五年保证重点型号零件按期交付。",
        "在新产线调试期间带队连续攻关40天，提前两周实现批量生产。",
    ],
    "pursuing_excellence": [
        "坚持“零件上差一丝，产品就差一截”，将关键尺寸加工精度由0.01毫米提高到0.005毫米。",
        "个人加工产品连续八年无质量事故，一次交验合格率保持在99.5%以上。",
    ],
    "setting_example": [
        "带领班组获评上海市“工人先锋号”，个人获上海市五一劳动奖章。",
        "在公司推行“首件必检、过程自检”工作法，带动车间整体废品率下降40%。",
    ],
    "superb_skills": [
        "精通多轴联动数控车铣复合加工，能独立完成钛合金、高温合金等难加工材料的工艺编制与加工。",
        "曾获上海市职业技能竞赛数控车工项目一等奖。",
    ],
    "outstanding_results": [
        "近五年主持完成技术革新12项，累计为企业创造经济效益860余万元。",
        "牵头完成的自动上下料改造使单班产能提高35%。",
    ],
    "continuous_learning": [
        "先后完成五轴加工、工业机器人编程、数字化检测等新技术培训，在职取得机械工程本科学历。",
    ],
    "business_insight": [
        "针对企业薄壁件加工成本高的问题，提出工艺路线优化方案，使单件加工时间缩短30%。",
    ],
    "value_creation": [
        "发明的低应力涨胎夹具已在集团三家企业推广使用，每年减少废品损失约260万元。",
    ],
    "taking_responsibility": [
        "作为技术攻关小组组长，承担集团重点新产品关键零件试制任务，平均试制周期由15天缩短到8天。",
    ],
    "collaboration": [
        "与设计、工艺、检验部门组建跨部门攻关小组，协同解决装配精度超差问题7项。",
    ],
    "facing_problems": [
        "面对进口设备故障频发、厂家维修周期长的难题，带领团队自主完成数控系统改造，设备完好率提高到98%。",
    ],
    "summarising_heritage": [
        "总结形成“分层切削、对称去量”操作法，编写图文操作手册两册，在公司推广使用。",
    ],
    "training_talent": [
        "累计带徒18名，其中5人晋升高级技师、9人晋升技师，1人获评松江工匠。",
    ],
    "applying_intelligence": [
        "推动数字化检测进车间，实现关键尺寸在线测量与自动补偿，参与建成公司首条数控车削自动化生产线。",
    ],
    "partner_enterprises": [
        "上海松江精密机械有限公司、上海青浦智能制造股份有限公司等12家企业。",
    ],
}

# Short values by field code (used when the type fits: text for text fields, a code for choices).
VALUES: dict[str, Any] = {
    "name": "李明",
    "ethnicity": "汉族",
    "political_status": "中共党员",
    "position": "数控车间主任",
    "education": "本科",
    "fulltime_education": "大专",
    "fulltime_school_major": "上海电机学院 机械制造与自动化",
    "inservice_education": "本科",
    "inservice_school_major": "上海理工大学 机械工程（在职）",
    "occupation": "数控车工",
    "trade": "数控车工",
    "professional_title": "工程师",
    "email": "liming@example.cn",
    "mobile": "13800000001",
    "contact_mobile": "13900000002",
    "nationality": "CN",
    "unit_nature": "有限责任公司",
    "skill_certificate_number": "1931000000200583",
    "contact_department": "人力资源部",
    "contact_position": "人事经理",
    "managing_department": "培训部",
    "department_head": "顾明",
    "department_contact": "顾敏",
}
# Preferred choice codes by field code, the first one the field offers is taken.
CHOICE_PREFERENCES: dict[str, list[str]] = {
    "nomination_channel": ["unit"],
    "gender": ["male"],
    "retirement_category": ["male"],
    "skill_level": ["senior_technician"],
    "employment": ["employed"],
    "hukou": ["shanghai", "non_agricultural"],
    "talent_category": ["district_leading_or_top"],
    "unit_kind": ["enterprise"],
    "kind": ["enterprise"],
    "affiliation": ["district"],
    "unit_nature": ["limited_liability"],
    "nature": ["private"],
    "field_of_work": ["manufacturing"],
    "high_tech_field": ["major_equipment"],
    "professional_category": ["manufacturing"],
    "position_rank": ["none"],
    "identity": ["worker"],
    "professional_title": ["intermediate"],
    "group": ["metallurgy_machinery_electrical"],
    "income_level": ["fairly_high"],
    "equivalent_rank": ["middle_management"],
    "work_environment": ["high"],
}
MULTICHOICE_PREFERENCES: dict[str, list[str]] = {
    "model_worker": ["shanghai_model_worker"],
}
# Booleans that are not "yes" for the demo applicant.
FALSE_FIELDS = {"skill_equivalent_recognised", "migrant_worker", "via_competent_department"}

# Rows of repeating tables by section code: (column code -> value); dates as (years ago, month, day).
ROWS: dict[str, list[dict[str, Any]]] = {
    "work_history": [
        {
            "started_on": (22, 7, 1),
            "ended_on": (12, 12, 31),
            "unit_and_department": "上海松江精密机械有限公司 数控车间",
            "position_title": "数控车工、班组长",
            "note": "",
        },
        {
            "started_on": (12, 1, 1),
            "ended_on": (5, 6, 30),
            "unit_and_department": "上海松江精密机械有限公司 技术部",
            "position_title": "工艺员、工程师",
            "note": "2016年取得高级技师",
        },
        {
            "started_on": (5, 7, 1),
            "unit_and_department": "上海松江精密机械有限公司 数控车间",
            "position_title": "车间主任、高级技师",
            "note": "兼任松江区职业技能竞赛裁判",
        },
    ],
    "education": [
        {
            "started_on": (25, 9, 1),
            "ended_on": (22, 7, 1),
            "school": "上海电机学院",
            "major": "机械制造与自动化",
            "full_time": True,
        },
        {
            "started_on": (14, 9, 1),
            "ended_on": (11, 7, 1),
            "school": "上海理工大学",
            "major": "机械工程",
            "full_time": False,
        },
    ],
    "awards": [
        {
            "project": "上海市职业技能竞赛数控车工项目",
            "title": "山东省技术能手",
            "awarded_on": (1, 10, 18),
            "award": "一等奖",
            "kind": "technical_expert",
            "level": "municipal",
            "rank": 1,
        },
        {
            "project": "上海市职工技术创新成果评选",
            "title": "省级一类职业技能竞赛数控车工项目",
            "awarded_on": (2, 11, 20),
            "award": "优秀成果奖",
            "kind": "provincial_class1_top6",
            "level": "provincial",
            "rank": 2,
        },
        {
            "project": "松江区职业技能竞赛数控车工项目",
            "title": "市级一类职业技能竞赛数控车工项目",
            "awarded_on": (3, 9, 26),
            "award": "第一名",
            "kind": "municipal_class1_top2",
            "level": "district",
            "rank": 1,
        },
    ],
    "intellectual_property": [
        {
            "granted_on": (1, 4, 12),
            "kind": "invention_patent",
            "title": "一种薄壁机匣低应力涨胎夹具",
            "co_owned": True,
            "certificate_number": "ZL202310456789.1",
        },
        {
            "granted_on": (2, 8, 3),
            "kind": "utility_model",
            "title": "一种数控车床自动上下料装置",
            "co_owned": False,
            "certificate_number": "ZL202220987654.3",
        },
        {
            "granted_on": (3, 5, 21),
            "kind": "utility_model",
            "title": "一种车削尺寸在线测量补偿装置",
            "co_owned": False,
            "certificate_number": "ZL202120345678.9",
        },
    ],
    "publications": [
        {
            "published_on": (1, 3, 15),
            "title": "航空发动机机匣薄壁件数控车削变形控制方法",
            "journal": "《金属加工（冷加工）》2025年第3期",
            "rank": 1,
        },
        {
            "published_on": (3, 9, 10),
            "title": "数控车床自动上下料改造与在线测量补偿应用",
            "journal": "《机械制造》2023年第9期",
            "rank": 1,
        },
    ],
    "honours": [
        {
            "awarded_on": (2, 4, 28),
            "title": "上海市五一劳动奖章",
            "awarded_by": "上海市总工会",
            "level": "municipal",
        },
        {
            "awarded_on": (4, 12, 10),
            "title": "松江工匠",
            "awarded_by": "松江区总工会",
            "level": "district",
        },
        {
            "awarded_on": (6, 10, 20),
            "title": "上海市技术能手",
            "awarded_by": "上海市人力资源和社会保障局",
            "level": "municipal",
        },
    ],
    "training_projects": [
        {
            "name": "数控车工高级技师研修",
            "level": "senior_technician",
            "assessment_method": "技能等级认定",
            "trainees": "公司数控车工技师",
            "trainee_count": 8,
        },
        {
            "name": "工业机器人运维技师培训",
            "level": "technician",
            "assessment_method": "理论考试与实操考核",
            "trainees": "智能产线维修骨干",
            "trainee_count": 15,
        },
        {
            "name": "青年职工师带徒项目",
            "level": "senior_worker",
            "assessment_method": "出师考核",
            "trainees": "入职三年内青年职工",
            "trainee_count": 20,
        },
    ],
    "projects": [
        {
            "name": "数控车工",
            "level": "senior_technician",
            "assessment_method": "技能等级认定",
            "trainees": "区内企业数控车工技师",
        },
        {
            "name": "工业机器人系统运维员",
            "level": "technician",
            "assessment_method": "技能等级认定",
            "trainees": "先进制造业企业运维人员",
        },
        {
            "name": "电工",
            "level": "senior_worker",
            "assessment_method": "职业技能等级认定",
            "trainees": "企业在职电工",
        },
    ],
    "budget": [
        {
            "project": "数控车工",
            "purpose": "teacher_training",
            "item": "高级技师研修班师资及教材费用",
            "funded_by": "subsidy",
            "amount": "120000.00",
            "note": "师资培训及教材开发",
        },
        {
            "project": "工业机器人系统运维员",
            "purpose": "consumables_tools",
            "item": "技术攻关项目试验材料及工具",
            "funded_by": "subsidy",
            "amount": "80000.00",
            "note": "实训耗材及工具",
        },
        {
            "project": "电工",
            "purpose": "appraisal",
            "item": "带徒津贴及出师考核",
            "funded_by": "matching",
            "amount": "150000.00",
            "note": "技能等级认定费用",
        },
    ],
}


# --- the generator -----------------------------------------------------------------------------


def demo_form_data(ruleset: RuleSet, *, on: date) -> dict:
    """The whole declaration of a plausible applicant to `ruleset`, as of the day `on`."""
    context = _Context(ruleset, on)
    data: dict[str, Any] = {}
    for section in ruleset.form.sections:
        if section.kind == "fields":
            data[section.code] = {
                field.code: _value(context, section, field, row=None) for field in section.fields
            }
        else:
            data[section.code] = _rows(context, section)
    return data


class _Context:
    def __init__(self, ruleset: RuleSet, on: date):
        self.ruleset = ruleset
        self.on = on
        self.unit = demo_unit(ruleset)
        self.birth = demo_birth_date(on)
        self.district = ruleset.identity.district
        self.organisation = ruleset.identity.applicant_kind != "person"
        self.used_sentences: set[str] = set()


def _rows(context: _Context, section: Section) -> list[dict]:
    templates = ROWS.get(section.code) or [{} for _ in range(3)]
    count = len(templates)
    if section.max_rows is not None:
        count = min(count, section.max_rows)
    count = max(count, section.min_rows or 0)
    rows = []
    for index in range(count):
        template = templates[index % len(templates)]
        rows.append(
            {
                column.code: _value(context, section, column, row=(index, template))
                for column in section.columns
            }
        )
    return rows


def _years_ago(on: date, years: int, month: int, day: int) -> date:
    candidate = date(on.year - years, month, day)
    if candidate > on:
        candidate = date(on.year - years - 1, month, day)
    return candidate


def _value(context: _Context, section: Section, field: FormField, *, row) -> Any:
    template = row[1] if row else {}
    index = row[0] if row else 0
    if field.code in template:
        value = _from_template(context, section, field, template[field.code])
        if value is not None:
            return value
    elif template and not field.required:
        return ""  # a cell the row leaves blank (an ongoing job has no end date)
    return _by_code_or_type(context, section, field, index)


def _from_template(context: _Context, section: Section, field: FormField, raw: Any) -> Any:
    if field.type == "date" and isinstance(raw, tuple):
        day = _years_ago(context.on, *raw)
        if section.within_years and section.within_years.column == field.code:
            earliest = date(context.on.year - section.within_years.years, 12, 31)
            day = max(day, earliest) if day < earliest else day
        return day.isoformat()
    if field.type in ("choice",):
        codes = [c.code for c in field.choices]
        return raw if raw in codes else None
    if field.type == "bool":
        return bool(raw)
    if field.type == "integer" and isinstance(raw, int):
        return _clamp_int(field, raw)
    if field.type == "decimal" and isinstance(raw, str):
        return _clamp_decimal(field, raw)
    if field.type in ("text", "textarea") and isinstance(raw, str):
        return _fit(raw, field)
    return None


def _by_code_or_type(context: _Context, section: Section, field: FormField, index: int) -> Any:
    unit = context.unit
    code, kind = field.code, field.type
    if kind == "id_number":
        return demo_id_number(context.birth)
    if kind == "credit_code":
        return unit.credit_code
    if kind == "bank_account":
        return "6222020200112233446"  # a UnionPay card number with a valid check digit
    if kind == "email":
        return VALUES["email"] if not context.organisation else "hr@example.cn"
    if kind == "phone":
        if code in ("contact_phone",):
            return unit.contact_phone
        return VALUES.get(code, VALUES["mobile"])
    if kind == "date":
        return _date_for(context, section, field, index).isoformat()
    if kind == "bool":
        return code not in FALSE_FIELDS
    if kind == "integer":
        return _clamp_int(field, _integer_for(context, code))
    if kind == "decimal":
        return _clamp_decimal(field, _decimal_for(code))
    if kind == "choice":
        return _choice_for(context, field)
    if kind == "multichoice":
        return _multichoice_for(field)
    if kind == "textarea":
        return _textarea_for(context, field)
    return _fit(_text_for(context, section, field), field)


def _date_for(context: _Context, section: Section, field: FormField, index: int) -> date:
    on, birth = context.on, context.birth
    code = field.code
    if code == "birth_date":
        return birth
    if code == "fulltime_graduated_on":
        return date(on.year - 22, 7, 1)
    if code == "inservice_graduated_on":
        return date(on.year - 11, 7, 1)
    if code == "appointed_from":
        return date(on.year - 1, 1, 1)
    if code == "appointed_until":
        return date(on.year + 2, 12, 31)
    years = 1 + index
    if section.within_years:
        years = min(years, section.within_years.years - 1)
    return _years_ago(on, years, 5, 20)


def _integer_for(context: _Context, code: str) -> int:
    return {
        "headcount": 860,
        "bachelor_or_above": 215,
        "skilled_workers": 540,
        "years_of_work": context.on.year - context.birth.year - 22,
        "invention_patents": 2,
        "utility_model_patents": 6,
        "design_patents": 0,
        "trainee_count": 12,
        "rank": 1,
    }.get(code, 3)


def _decimal_for(code: str) -> str:
    return {
        "registered_capital": "5000.00",
        "monthly_income": "13500.00",
        "expected_income": "16000.00",
        "amount": "150000.00",
    }.get(code, "10000.00")


def _clamp_int(field: FormField, value: int) -> int:
    if field.min_value is not None and value < field.min_value:
        value = int(field.min_value)
    if field.max_value is not None and value > field.max_value:
        value = int(field.max_value)
    return value


def _clamp_decimal(field: FormField, value: str) -> str:
    number = Decimal(value)
    if field.min_value is not None and number < field.min_value:
        number = Decimal(field.min_value)
    if field.max_value is not None and number > field.max_value:
        number = Decimal(field.max_value)
    return f"{number:.2f}"


def _choice_for(context: _Context, field: FormField) -> str:
    codes = [c.code for c in field.choices]
    # A field about where the applicant is: the rule set's own district.
    if context.district in codes:
        return context.district
    for preferred in CHOICE_PREFERENCES.get(field.code, []):
        if preferred in codes:
            return preferred
    return codes[0]


def _multichoice_for(field: FormField) -> list[str]:
    codes = [c.code for c in field.choices]
    preferred = [c for c in MULTICHOICE_PREFERENCES.get(field.code, []) if c in codes]
    if preferred:
        return preferred
    if field.fact in ("organisation.conditions",) or field.code == "conditions":
        return codes
    if field.fact == "professional_conditions":
        return codes[:3]
    return [c for c in codes if c != "none"][:1] or codes[:1]


def _text_for(context: _Context, section: Section, field: FormField) -> str:
    unit, code, label = context.unit, field.code, field.label
    organisation_fields = {
        "unit_name": unit.name,
        "recommending_unit": unit.name,
        "employer": unit.name,
        "system": unit.system,
        "parent_unit": unit.parent,
        "registered_address": unit.address,
        "mailing_address": unit.address,
        "address": unit.address,
        "unit_address": unit.address,
        "home_address": unit.address.split("区")[0] + "区" + "文诚路518弄12号",
        "postcode": unit.postcode,
        "unit_postcode": unit.postcode,
        "home_postcode": unit.postcode,
        "contact_name": unit.contact_name,
        "contact_fax": unit.contact_phone,
        "legal_representative": unit.legal_representative,
        "competent_department": unit.street,
        "industry": unit.industry,
        "union_or_society": UNIONS.get(context.district, UNIONS["songjiang"]),
    }
    if code in organisation_fields:
        return organisation_fields[code]
    if code == "name" and context.organisation and section.code == "organisation":
        return unit.name
    if code in VALUES and isinstance(VALUES[code], str):
        return VALUES[code]
    if "名称" in label or "单位" in label:
        return unit.name
    if "地址" in label:
        return unit.address
    if "邮编" in label or "邮政编码" in label:
        return unit.postcode
    if "联系人" in label or "负责人" in label:
        return unit.contact_name
    return "详见附件材料"


def _textarea_for(context: _Context, field: FormField) -> str:
    pool = ORGANISATION_POOL if context.organisation else PERSON_POOL
    if field.target_length:
        low, high = field.target_length, field.max_length or field.target_length
    elif field.max_length:
        low, high = min(field.max_length // 2, 300), field.max_length
    else:
        low, high = (900, 1200) if field.code == "details" else (300, 600)
    if field.max_length:
        high = min(high, field.max_length)
    low = min(low, high)
    sentences = [s.format(unit=context.unit.name) for s in TEXTS.get(field.code, [])]
    text = ""
    for sentence in sentences:
        if len(text) + len(sentence) <= high:
            text += sentence
    if text and field.max_length and not field.target_length:
        return text  # the field's own text is enough where no length is asked for
    # Fill from the pool, preferring sentences not yet used in this declaration.
    fresh = [s for s in pool if s not in context.used_sentences and s not in text]
    for sentence in fresh + [s for s in pool if s not in fresh]:
        if len(text) >= low:
            break
        if sentence not in text and len(text) + len(sentence) <= high:
            text += sentence
            context.used_sentences.add(sentence)
    if not text:
        text = _fit(sentences[0] if sentences else pool[0], field)
    return text


def _fit(text: str, field: FormField) -> str:
    if field.max_length and len(text) > field.max_length:
        return (
            text[: field.max_length - 1] + "。"
            if field.type == "textarea"
            else text[: field.max_length]
        )
    return text
