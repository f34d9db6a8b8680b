"""Hand-written Chinese test materials (our own words, invented units and figures) and ways to derive copies."""

from functools import cache

ORIGINAL_PARAGRAPHS = [
    "青溪县融媒体中心于2022年上线“青溪通”客户端，把新闻发布、政务办事和生活服务集中到一个入口。",
    "客户端接入县政务服务中心的87项高频事项，群众在手机上即可办理社保查询、不动产登记预约和医保缴费。",
    "中心组建了12人的技术运维小组，采用云平台部署，实现了新闻稿件一次采集、多端分发。",
    "截至2024年底，客户端下载量达到31万次，日活跃用户约2.6万人，累计办理政务事项45万件。",
    "在防汛期间，客户端开设应急信息专栏，实时推送水位预警和转移安置通知，覆盖全县18个乡镇。",
    "下一步，中心计划引入智能客服，并与周边三个县共建区域服务平台，推动经验在更大范围复制推广。",
]
ORIGINAL = "\n".join(ORIGINAL_PARAGRAPHS)
ORIGINAL_NAME = "青溪通客户端打造县域媒体加政务服务平台"
UNIT = "青溪县融媒体中心"

# The same case told in other words: same facts, figures and names, different sentences.
REWORDED = "\n".join(
    [
        "2022年，青溪县融媒体中心推出名为“青溪通”的客户端，新闻、政务与生活服务从此汇聚在同一个入口之中。",
        "通过对接县政务服务中心，客户端纳入了87项群众常办的事项，社保可以在线查询，不动产登记可以预约，医保也能直接缴费。",
        "为保障运行，中心成立技术运维小组，共12名成员；平台部署在云上，稿件只需采集一次便可向多个终端分发。",
        "到2024年年底，客户端累计下载31万次，每天约有2.6万名活跃用户，政务事项办理总量已达45万件。",
        "防汛时节，客户端增设应急信息专栏，面向全县18个乡镇即时发布水位预警以及人员转移安置的通知。",
        "今后中心将上线智能客服，同时联合周边三个县建设区域服务平台，使这一做法能够在更大范围内推广复制。",
    ]
)

# A different case from the same unit: a documentary series, nothing shared but the unit and the county.
SAME_UNIT_OTHER_CASE = "\n".join(
    [
        "青溪县融媒体中心策划制作了六集纪录片《山水人家》，记录本地传统村落的营造技艺和节庆习俗。",
        "摄制组历时十个月走访四十余个村落，采访老匠人、非遗传承人和返乡青年，积累素材超过两千小时。",
        "纪录片在县电视台黄金时段首播，同步剪辑为竖屏短视频在多个平台发布，单条最高播放量达到一百二十万。",
        "节目带动了乡村旅游，播出后三个月内相关村落接待游客人次同比增长近四成。",
        "团队总结了“一村一集、大小屏联动”的制作模式，准备将其用于下一季关于非遗美食的专题片。",
    ]
)
SAME_UNIT_OTHER_NAME = "纪录片山水人家讲述传统村落故事"

# A different unit's case on a similar topic (a county app), for negatives with shared vocabulary.
OTHER_UNIT_SIMILAR_TOPIC = "\n".join(
    [
        "石门县广播电视台建设了“石门在线”移动平台，重点提供本地新闻、直播和便民缴费服务。",
        "平台与水电燃气公司合作，上线缴费和报修功能，还开设了农产品直播带货频道。",
        "运营两年来，平台注册用户12万，直播带货销售额累计超过900万元。",
        "电视台设立新媒体部统一运营平台和各类账号，建立了按传播效果计算绩效的考核办法。",
    ]
)


def lightly_edited(text: str) -> str:
    """About 5% of the characters changed: a few words swapped for synonyms, a figure updated."""
    for old, new in (
        ("集中到", "整合到"),
        ("即可", "就能"),
        ("组建了", "成立了"),
        ("约", "大约"),
        ("实时推送", "及时发布"),
        ("下一步", "接下来"),
    ):
        text = text.replace(old, new, 1)
    return text


def reordered(paragraphs: list[str]) -> str:
    order = [3, 0, 5, 2, 4, 1]
    return "\n".join(paragraphs[i] for i in order)


def distinct_texts(n: int, *, chars: int = 240) -> list[str]:
    """Texts that share nothing: random Han characters, one seed each, cut into sentences."""
    import random

    texts = []
    for seed in range(n):
        rng = random.Random(seed)
        body = "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(chars))
        texts.append("。".join(body[i : i + 30] for i in range(0, chars, 30)) + "。")
    return texts


# One sentence of a call's form, as every material written in it carries it.
FORM_LINE = "填写说明：请围绕案例背景、主要做法、创新亮点、实际成效进行介绍，正文不超过五千字。\n"


# Words every write-up of our field uses: distinct texts made by ``field_text`` share these, as real ones do.
FIELD_WORDS = (
    "融媒体",
    "平台",
    "用户",
    "服务",
    "内容",
    "传播",
    "建设",
    "发展",
    "创新",
    "推动",
    "数据",
    "技术",
    "新闻",
    "直播",
    "短视频",
    "政务",
    "基层",
    "群众",
    "运营",
    "融合",
    "客户端",
    "账号",
    "节目",
    "频道",
    "宣传",
    "机制",
    "团队",
    "资源",
    "渠道",
    "流量",
)


@cache
def _vocabulary() -> list[str]:
    """jieba's dictionary words of two or three Han characters (sorted, so every run draws the same)."""
    from screening.duplicates import fingerprints as fp

    tokenizer = fp._jieba()
    tokenizer.check_initialized()
    return sorted(w for w, n in tokenizer.FREQ.items() if n >= 20 and 2 <= len(w) <= 3 and "\u4e00" <= w[0] <= "\u9fff")


def field_sentences(seed: int, *, sentences: int = 90) -> list[str]:
    """A long write-up of our field (~1,800 characters) as sentences: each mixes the field's common words with
    words and figures of its own (``seed``), so two seeds share the vocabulary of the field and little else."""
    import random

    rng = random.Random(seed)
    own = rng.sample(_vocabulary(), 400)
    out = []
    for _ in range(sentences):
        words = rng.sample(FIELD_WORDS, 3) + rng.sample(own, 5) + [f"{rng.randint(10, 999)}万"]
        rng.shuffle(words)
        out.append("".join(words) + "。")
    return out


def field_text(seed: int) -> str:
    parts = field_sentences(seed)
    return "\n".join("".join(parts[i : i + 6]) for i in range(0, len(parts), 6))


def reworded_field_text(seed: int) -> str:
    """``field_text(seed)`` told in other words: each sentence's words in another order (few 5-grams survive), the
    same words (names, figures, terms) kept."""
    import random

    rng = random.Random(seed + 1000)
    out = []
    for sentence in field_sentences(seed):
        words = [w for w in _cut(sentence.rstrip("。"))]
        rng.shuffle(words)
        out.append("".join(words) + "。")
    return "\n".join("".join(out[i : i + 6]) for i in range(0, len(out), 6))


def _cut(text: str) -> list[str]:
    from screening.duplicates import fingerprints as fp

    return fp._jieba().lcut(text, HMM=False)
