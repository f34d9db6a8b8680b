"""Fuzz the text path of ``load_document``: encoding detection, Markdown/plain splitting, normalisation, structure,
申报表 recognition. The first byte picks .txt or .md."""

from _harness import instrumented

with instrumented("charset_normalizer"):
    from _harness import limits_for_fuzzing, load_checked, run

    import screening.documents  # noqa: F401 - imported here to be instrumented; load_checked calls it
    from screening.wordcount import count

LIMITS = limits_for_fuzzing()


def test_one_input(data: bytes) -> None:
    filename = "fuzz.md" if data[:1] == b"#" else "fuzz.txt"
    doc = load_checked(data, filename, LIMITS)
    if doc is None:
        return
    counts = count(doc.text)
    assert counts["hanzi"] <= counts["word"] <= counts["chars_no_spaces"] <= counts["chars"]


def seeds() -> dict[str, bytes]:
    from tests import hostile

    return {
        "utf8.txt": hostile.valid_text(),
        "gb18030.txt": hostile.valid_text("gb18030"),
        "utf16.txt": hostile.valid_text("utf-16"),
        "big5.txt": hostile.traditional_text(),
        "table.md": "# 某市案例\n## 一、总体情况\n| 指标 | 数值 |\n|---|---|\n| 用户 | 120万户 |\n".encode(),
        "mixed.txt": hostile.mixed_encodings_text(),
    }


if __name__ == "__main__":
    run(test_one_input, seeds)
