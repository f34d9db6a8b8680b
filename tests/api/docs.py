"""Materials for the API tests, generated with tests.factories (well-formed, or short of an element)."""

from __future__ import annotations

from tests.factories import chinese_text, make_docx, make_form_docx

GOOD_SECTIONS = [
    ("一、总体情况", 1, chinese_text(300)),
    ("二、主要创新做法与实践", 1, chinese_text(500)),
    (
        "三、成效成果与社会反响",
        1,
        ["平台用户规模达到120万人，同比增长35%，年营业收入3541.07万元，用户满意度96%。"] + chinese_text(300),
    ),
    ("四、可借鉴性与发展潜力", 1, chinese_text(200)),
    ("五、问题困难及破解办法", 1, chinese_text(200)),
    ("六、经验启示与下一步优化方向", 1, chinese_text(200)),
]


def material_docx(title: str = "某市融媒体中心新媒体平台建设案例", *, sections=None, extra_chars: int = 0) -> bytes:
    sections = list(GOOD_SECTIONS if sections is None else sections)
    if extra_chars:
        sections.append(("七、补充说明", 1, chinese_text(extra_chars)))
    return make_docx(title=title, sections=sections)


def form_docx(name: str, unit: str, category: str = "新媒体平台建设") -> bytes:
    body = "\n".join(p for _, _, paragraphs in GOOD_SECTIONS for p in paragraphs)
    return make_form_docx(
        {
            "案例名称": name,
            "征集类别": category,
            "申报单位": unit,
            "联系人": "李四",
            "职务": "副主任",
            "联系电话": "0591-7654321",
            "案例简介": "简介" * 50,
            "申报材料": body,
        }
    )
