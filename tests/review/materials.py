"""Materials for the review tests, generated in code: each project gets its own text (words drawn from jieba's
dictionary with the project's seed), so two projects share almost no words and the same seed is the same project.

Dictionary words rather than random characters: the duplicate check compares word sets of two or more characters,
and random characters have none, so every pair of such texts would look alike through the shared headings."""

from __future__ import annotations

import functools
import io
import random
import zipfile

from tests.factories import make_form_docx

HEADINGS = [
    "一、总体情况",
    "二、主要创新做法与实践",
    "三、成效成果与社会反响",
    "四、可借鉴性与发展潜力",
    "五、问题困难及破解办法",
    "六、经验启示与下一步优化方向",
]
DATA = "平台用户规模达到{n}万人，同比增长{p}%，年营业收入{r}万元，用户满意度{s}%。"


@functools.cache
def vocabulary() -> tuple[str, ...]:
    """Common two-character words of jieba's dictionary (about 12,000)."""
    import jieba

    words = []
    for line in jieba.get_dict_file():
        word, freq, *_ = line.decode("utf-8").split()
        if len(word) == 2 and int(freq) >= 300 and all("\u4e00" <= c <= "\u9fa5" for c in word):
            words.append(word)
    return tuple(words)


def project_text(seed: int, *, words_per_paragraph: int = 40) -> str:
    """The 申报材料 body of project ``seed``: the six headings, each over its own paragraph of dictionary words in
    sentences of eight, and one line of figures. Distinct seeds share only the headings and a handful of words."""
    rng = random.Random(seed)
    words = vocabulary()
    lines = []
    for heading in HEADINGS:
        lines.append(heading)
        picked = [rng.choice(words) for _ in range(words_per_paragraph)]
        lines.append("".join("".join(picked[i : i + 8]) + "。" for i in range(0, len(picked), 8)))
    lines.insert(
        6, DATA.format(n=rng.randint(10, 99), p=rng.randint(5, 60), r=rng.randint(100, 9000), s=rng.randint(80, 99))
    )
    return "\n".join(lines)


def project_docx(name: str, unit: str, seed: int, category: str = "新媒体平台建设") -> bytes:
    return make_form_docx(
        {
            "案例名称": name,
            "征集类别": category,
            "申报单位": unit,
            "联系人": "李四",
            "职务": "副主任",
            "联系电话": "0591-7654321",
            "案例简介": f"{name}的简介。" * 10,
            "申报材料": project_text(seed),
        }
    )


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()
