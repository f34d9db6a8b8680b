"""Fuzz the notice drafter (``screening notice draft``): any notice text gives a draft whose TOML parses; a draft it
calls valid must also load as a ``Campaign``."""

from _harness import instrumented

with instrumented():
    import tomllib

    from _harness import run

    from screening.campaigns.draft import draft_rulebook
    from screening.campaigns.loader import all_campaigns
    from screening.errors import ScreeningError

KNOWN = tuple(all_campaigns())


def test_one_input(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    try:
        draft = draft_rulebook(text, known=KNOWN)
    except ScreeningError:
        return
    tomllib.loads(draft.toml())  # the file a person will edit must at least be TOML
    if draft.valid:
        draft.campaign()


def seeds() -> dict[str, bytes]:
    notice = (
        "国家广播电视总局办公厅关于征集2025年全国广播电视媒体融合典型案例的通知\n广电办发〔2025〕45号\n"
        "一、征集类别\n（一）新闻宣传类\n（二）体制机制改革类\n二、申报要求\n1. 申报材料包括申报表、综合材料（不超过3000字）。\n"
        "2. 每个省级广电局推荐不超过10个案例。\n三、时间安排\n请于2025年6月30日前报送。\n"
    )
    return {"notice.txt": notice.encode(), "short.txt": "关于征集典型案例的通知\n截止时间2024年5月1日".encode()}


if __name__ == "__main__":
    run(test_one_input, seeds)
