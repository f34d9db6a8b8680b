"""The file types a material (or a notice) may come as: one list, spelled from here in every message and form.

The list is what the intake reads: .docx, .pdf, plain text and Markdown directly, and old Word / WPS files (.doc,
.wps) through LibreOffice (``documents.legacy``). The batch allow-list, the refusal messages, the CLI help, the API
descriptions and the web page's file choosers (``accept=``) all take it from here, so adding a format is one edit
here plus its reader in ``documents``. (The guard also reads the rare spellings .markdown and .text as text, and a
file without an extension by its bytes; those are not advertised.)

This module imports nothing from the package, so ``screening.errors`` can use it for its default messages.
"""

from __future__ import annotations

ACCEPTED_SUFFIXES = (".docx", ".doc", ".wps", ".pdf", ".txt", ".md")
ZIP_SUFFIX = ".zip"  # a batch may also arrive as one zip of such files

ACCEPTED_LABEL = "、".join(ACCEPTED_SUFFIXES)  # in Chinese messages: ".docx、.doc、.wps、.pdf、.txt、.md"
ACCEPT_ATTRIBUTE = ",".join(ACCEPTED_SUFFIXES)  # an HTML file chooser's accept="…"
BATCH_ACCEPT_ATTRIBUTE = ",".join((*ACCEPTED_SUFFIXES, ZIP_SUFFIX))
