"""The demo's knowledge base (知识库): a dozen answers the command centre gives to common 咨询 calls, each
published, linked to the department that owns the policy, so 受理登记 finds them as the call taker types.

The answers are demonstration wording in the usual shape of a hotline's 答复口径 (where, what to bring, how
long, whom to ask); each ends by pointing to the owning department, whose current rules prevail."""

from __future__ import annotations

from typing import Any

from wangge.accounts.models import Unit
from wangge.demo.catalogue import DISTRICTS, unit_code

# (title, question variants and keywords, answer, department key of demo.catalogue or "")
ARTICLES: tuple[tuple[str, str, str, str], ...] = (
    (
        "社保卡丢失如何挂失补办",
        "社保卡丢了\n社保卡补办\n社会保障卡挂失\n社保卡坏了",
        "社保卡丢失请先挂失：可拨打社保服务热线、在“掌上社保”App 或合作银行网点办理临时挂失。补办时本人携带"
        "有效身份证件到区政务服务中心人社窗口或社保卡合作银行网点申请，一般即时或数个工作日内可领取新卡。"
        "具体以区人力资源和社会保障局的规定为准。",
        "rsj",
    ),
    (
        "灵活就业人员养老保险如何缴费",
        "灵活就业交社保\n养老保险自己交\n个体户社保缴费\n养老保险缴费基数",
        "灵活就业人员可持身份证到区政务服务中心人社窗口办理参保登记，之后可通过“掌上社保”App、税务缴费渠道或"
        "合作银行按年或按月缴纳，缴费基数在当地规定的上下限之间自行选择。具体以区人力资源和社会保障局的规定为准。",
        "rsj",
    ),
    (
        "居住证怎么办理",
        "办居住证\n外地人居住证\n居住证需要什么材料\n居住证签注",
        "在本地居住满半年并有合法稳定就业、住所或连续就读之一的，可携带身份证、居住地址证明（房产证明或租房合同）"
        "和就业或就读证明，到居住地派出所户籍窗口申领。居住证每年签注一次。具体以公安分局户政部门的规定为准。",
        "gaj",
    ),
    (
        "新生儿如何落户",
        "孩子上户口\n新生儿报户口\n出生登记\n小孩落户需要什么",
        "新生儿落户一般由父母一方携带出生医学证明、父母双方身份证、户口簿和结婚证，到拟落户地派出所户籍窗口办理；"
        "部分事项可在政务服务平台网上预约。具体以公安分局户政部门的规定为准。",
        "gaj",
    ),
    (
        "燃气费怎么缴纳，燃气故障如何报修",
        "交燃气费\n燃气缴费\n燃气没气了\n燃气报修\n闻到煤气味",
        "燃气费可在燃气营业厅、燃气公司微信公众号或支付宝生活缴费缴纳；插卡表需到营业厅或自助终端充值。"
        "如闻到燃气异味，请立即关闭阀门、开窗通风、不要开关电器，到室外拨打燃气公司抢修电话。",
        "gas",
    ),
    (
        "冬季集中供暖时间和不热怎么办",
        "暖气什么时候来\n供暖时间\n暖气不热\n供暖费",
        "本市集中供暖一般自 11 月 15 日起至次年 3 月 15 日止，遇极端天气会提前或延长，以供热主管部门的通知为准。"
        "室温明显偏低的，可先检查阀门是否全开、暖气片是否需要排气，仍不热请联系所属供热服务站上门检测。",
        "heat",
    ),
    (
        "停水停电信息在哪里查询",
        "停水通知\n停电通知\n什么时候来水\n什么时候来电\n计划停电",
        "计划停水停电会提前在供水、供电企业的公众号和小区公告栏发布。突发停水可联系供水服务站，突发停电可拨打"
        "供电服务热线报修；已登记的故障会给出预计恢复时间。",
        "power",
    ),
    (
        "生活垃圾分类和大件垃圾如何投放",
        "垃圾分类\n大件垃圾\n旧家具扔哪里\n装修垃圾",
        "生活垃圾按可回收物、有害垃圾、厨余垃圾和其他垃圾分类投放到小区对应的桶内。旧家具等大件垃圾和装修垃圾"
        "不得随意堆放，请联系物业或社区预约清运，或投放到指定的临时堆放点。具体以区城市管理局的规定为准。",
        "cgj",
    ),
    (
        "门面招牌和户外广告需要审批吗",
        "门头招牌\n店铺招牌审批\n户外广告\n广告牌",
        "设置门头招牌和户外广告一般需向区城市管理局申请，提交营业执照、设计效果图和设置位置说明，审核通过后"
        "按批准的尺寸和位置设置。未经批准设置的将被要求整改。具体以区城市管理局的规定为准。",
        "cgj",
    ),
    (
        "高龄津贴怎么申请",
        "高龄补贴\n老年人补贴\n八十岁补贴\n高龄津贴",
        "本区户籍、年满 80 周岁的老年人，可由本人或家属携带身份证、户口簿和银行卡到户籍所在社区申请，"
        "经街道审核、区民政局审批后按月发放。具体标准和办理方式以区民政局的规定为准。",
        "mzj",
    ),
    (
        "食品安全问题怎么投诉",
        "买到过期食品\n饭店不卫生\n食品安全投诉\n假冒伪劣",
        "请保留购物凭证、实物和照片等证据，说明购买时间、地点和商家名称，可通过本热线登记投诉，由区市场监督"
        "管理局依法核查处理，一般会在规定时限内回复处理结果。",
        "scjg",
    ),
    (
        "适龄儿童入学报名需要哪些材料",
        "孩子上学报名\n小学入学\n一年级报名\n学区划分",
        "义务教育阶段入学一般在每年夏季集中报名，需提供户口簿、房产证明或居住证明、儿童预防接种证等，"
        "学区划分和报名时间以区教育体育局当年发布的招生公告为准。",
        "jyj",
    ),
)


def knowledge_seed(*, actor: Any) -> tuple[int, int]:
    """The demo articles, published, added once (an article of the same title is left alone): (created,
    unchanged)."""
    from wangge.knowledge.choices import ArticleStatus
    from wangge.knowledge.models import Article
    from wangge.knowledge.services import article_create

    district = DISTRICTS[0].code
    have = set(Article.objects.values_list("title", flat=True))
    units = {u.code: u for u in Unit.objects.filter(code__startswith=f"{district}-")}
    created = 0
    for title, keywords, answer, key in ARTICLES:
        if title in have:
            continue
        article_create(
            actor=actor,
            title=title,
            keywords=keywords,
            answer=answer,
            unit=units.get(unit_code(district, key)) if key else None,
            status=ArticleStatus.PUBLISHED,
            note="演示数据",
        )
        created += 1
    return created, len(ARTICLES) - created
