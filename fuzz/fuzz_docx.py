"""Fuzz the DOCX path of ``load_document`` (zip guard, XML guard, python-docx/lxml, tables, forms, structure).

Raw mutated bytes mostly die at the zip CRC, so half the inputs are structure-aware: the fuzzer's bytes become
``word/document.xml`` inside an otherwise valid package, which reaches the XML parser and our block walker.
"""

from _harness import instrumented

with instrumented("docx", "zipfile"):
    from _harness import limits_for_fuzzing, load_checked, run

    import screening.documents  # noqa: F401 - imported here to be instrumented; load_checked calls it

LIMITS = limits_for_fuzzing()
TEMPLATE: bytes | None = None


def test_one_input(data: bytes) -> None:
    if data[:1] == b"X":
        data = package_with_body(data[1:])
    load_checked(data, "fuzz.docx", LIMITS)


def package_with_body(xml: bytes) -> bytes:
    global TEMPLATE
    from tests import hostile

    if TEMPLATE is None:
        TEMPLATE = hostile.valid_docx()
    return hostile.rezip(TEMPLATE, replace={"word/document.xml": xml})


def seeds() -> dict[str, bytes]:
    import io
    import zipfile

    from tests import hostile
    from tests.factories import make_docx, make_form_docx

    form = make_form_docx(
        {"案例名称": "某市智慧广电案例", "申报单位": "某市融媒体中心", "案例简介": "简介。\n第二段。"}
    )
    body = zipfile.ZipFile(io.BytesIO(hostile.valid_docx())).read("word/document.xml")
    return {
        "valid.docx": hostile.valid_docx(),
        "form.docx": form,
        "table.docx": make_docx(sections=[("一、总体情况", 0, ["正文。"])], table=[["指标", "数值"], ["用户", "1万"]]),
        "body.xml": b"X" + body,
    }


if __name__ == "__main__":
    run(test_one_input, seeds)
