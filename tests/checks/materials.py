"""Materials written for the check tests: a well-formed 2025 新媒体平台建设 material and variations of it.

The prose is ours (a fictional city station); each element section carries the kind of content the notice asks for,
so tests can drop a section, rename the headings, remove the headings, strip the figures or pad the length.
"""

from __future__ import annotations

from screening.documents import from_text
from screening.documents.model import Document

CAMPAIGN = "nrta-2025-media-convergence"
CATEGORY = "新媒体平台建设"

# (element id, heading as the notice words it, heading in other words, body)
SECTIONS = [
    (
        "overview",
        "一、总体情况",
        "一、项目背景",
        "某市广播电视台于2019年启动自有客户端建设，整合全台12个频道频率和38个新媒体账号，形成统一的自有平台。"
        "截至2024年底，客户端注册用户达到186万，占全市常住人口的31%，团队现有员工85人。",
    ),
    (
        "practice",
        "二、主要创新做法与实践",
        "二、主要做法",
        "一是建设统一的内容生产中台，实现一次采集、多元生成、多渠道分发。二是建立账号矩阵运营机制，按区域和垂直领域细分账号，"
        "明确考核指标。三是联合本地政务部门上线办事入口，提供社保、医保等46项便民服务，并以广告和会员服务增加收入。",
    ),
    (
        "results",
        "三、成效成果与社会反响",
        "三、取得成效",
        "2024年客户端累计发布原创稿件5.2万条，短视频播放量达到13.6亿次，同比增长42%。平台实现经营收入3541.07万元，"
        "较上年增长18%。第三方用户满意度调查显示，满意率为93.5%。",
    ),
    (
        "replicability",
        "四、可借鉴性与发展潜力",
        "四、推广价值",
        "该模式以县域为单元复制，已在省内7个县推广应用，平均上线周期缩短到45天，为同类地市台提供了可借鉴的建设路径，"
        "具有较大的发展潜力。",
    ),
    (
        "problems",
        "五、问题困难及破解办法",
        "五、不足与展望",
        "建设中遇到的主要问题是基层采编人员技术能力不足、数据接口标准不一。为解决这些问题，我们组织了160人次专项培训，"
        "并与网络公司共同制定了接口规范，接口对接时间由两周缩短到3天。",
    ),
    (
        "lessons",
        "六、经验启示与下一步优化方向",
        None,
        "经验表明，平台建设必须与本地服务深度结合，内容和服务相互带动才能留住用户。下一步将继续优化推荐算法，"
        "计划在2025年底前把注册用户提升到220万。",
    ),
]

# Neutral prose to reach a length: no figures, no praise, no plans.
FILLER = "平台按照统一标准组织内容生产，各栏目每周召开策划会，确定选题和发布节奏，并对发布效果进行复盘和记录。"


def material_text(
    *, headings: str = "notice", drop: str | None = None, filler_chars: int = 1400, with_figures: bool = True
) -> str:
    """The material as text. ``headings``: "notice", "other" (背景/做法/成效/不足与展望) or "none"."""
    parts = []
    for element_id, notice_heading, other_heading, body in SECTIONS:
        if element_id == drop:
            continue
        if not with_figures:
            body = _without_figures(element_id, body)
        heading = notice_heading if headings == "notice" else other_heading if headings == "other" else None
        if headings == "other" and other_heading is None:  # 不足与展望 already covers the lessons
            parts.append(body)
            continue
        if heading:
            parts.append(heading)
        parts.append(body)
        if element_id == "practice":
            parts += _filler(filler_chars)
    return "\n".join(parts)


def material(**kwargs) -> Document:
    return from_text(material_text(**kwargs), filename="材料.txt")


def _filler(n_chars: int) -> list[str]:
    paragraphs, remaining = [], n_chars
    while remaining > 0:
        paragraphs.append(FILLER * 4)
        remaining -= len(FILLER) * 4
    return paragraphs


_FIGURE_FREE = {
    "overview": "某市广播电视台启动自有客户端建设，整合全台频道频率和新媒体账号，形成统一的自有平台，用户遍及全市，"
    "团队由台内各部门抽调人员组成。",
    "results": "客户端发布了大量原创稿件，短视频播放量明显增加，平台经营收入逐步提高，用户对平台的服务比较认可。",
    "replicability": "该模式以县域为单元复制，已在省内多个县推广应用，为同类地市台提供了可借鉴的建设路径，具有较大的发展潜力。",
    "problems": "建设中遇到的主要问题是基层采编人员技术能力不足、数据接口标准不一。为解决这些问题，我们组织了专项培训，"
    "并与网络公司共同制定了接口规范。",
    "lessons": "经验表明，平台建设必须与本地服务深度结合，内容和服务相互带动才能留住用户。下一步将继续优化推荐算法，扩大用户规模。",
}


def _without_figures(element_id: str, body: str) -> str:
    return _FIGURE_FREE.get(element_id, body.replace("46项", "多项"))
