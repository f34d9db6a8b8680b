"""Fuzz the PDF path of ``load_document`` (guard, pdfminer/pdfplumber under our bounded zlib, layout, structure)."""

from _harness import instrumented

with instrumented("pdfminer", "pdfplumber"):
    from _harness import limits_for_fuzzing, load_checked, run

    import screening.documents  # noqa: F401 - imported here to be instrumented; load_checked calls it

LIMITS = limits_for_fuzzing()


def test_one_input(data: bytes) -> None:
    load_checked(data, "fuzz.pdf", LIMITS)


def seeds() -> dict[str, bytes]:
    from tests import hostile
    from tests.factories import make_pdf

    return {
        "valid.pdf": hostile.valid_pdf(),
        "table.pdf": make_pdf(paragraphs=["一、总体情况", "正文。"], table=[["指标", "数值"], ["用户", "120万户"]]),
        "loop.pdf": hostile.page_tree_loop_pdf(),
        "xobject.pdf": hostile.resource_loop_pdf(),
        "noxref.pdf": hostile.no_xref_pdf(),
    }


if __name__ == "__main__":
    run(test_one_input, seeds)
