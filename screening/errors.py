"""One exception hierarchy for everything a user can cause.

Every error carries a stable ``code`` (for JSON and logs), a Chinese ``message`` saying what happened and what to do,
an HTTP ``status`` for the API and an ``exit_code`` for the CLI (2 usage error, 3 unreadable or rejected input)::

    ScreeningError                      code            status  exit
    ├── UsageError                      usage             400     2
    │   ├── CampaignNotFound            campaign_not_found 404    2
    │   └── MaterialNotFound            material_not_found 422    2
    ├── RulebookError                   rulebook_invalid  500     2   (operator's data, not the user's)
    ├── InternalError                   internal          500     1   (a bug; see below)
    └── InputError                      input_invalid     422     3
        ├── UnsupportedFormat           unsupported_format 415    3
        │   ├── LegacyWordFormat        legacy_word_format 415    3   (.doc / .wps)
        │   └── ExtensionMismatch       extension_mismatch 415    3   (magic bytes disagree with the name)
        ├── EmptyFile                   empty_file        422     3
        ├── LimitExceeded               limit_exceeded    413     3
        │   ├── FileTooLarge            file_too_large    413     3
        │   ├── TooManyPages            too_many_pages    413     3
        │   └── ArchiveBomb             archive_bomb      413     3   (zip ratio, entry count, declared sizes)
        ├── ParseTimeout                parse_timeout     422     3
        ├── EncryptedDocument           encrypted         422     3
        ├── ScannedDocument             scanned           422     3   (image-only PDF, no text layer)
        ├── CorruptDocument             corrupt           422     3   (truncated, malformed)
        ├── UnsafeDocument              unsafe_document   422     3   (XML entities, external references)
        └── UndecodableText             undecodable_text  422     3

Subclasses set ``code``, ``status`` and a default message; callers may pass a more specific message.

Only failures the input can cause are ``InputError``: a parser's own exceptions on a malformed file
(``screening.documents.guard.is_parser_failure`` says which). Anything else is a bug in our code, not the user's
file: it propagates as itself, is logged with its traceback and answered as ``InternalError``'s message (API 500,
CLI exit 1), never as "文件已损坏". ``InternalError`` is raised only where an unexpected exception cannot travel as
itself (out of the isolated PDF worker: ``pdf_extract.translate_error``), after its traceback was logged there.
"""

from __future__ import annotations

from .filetypes import ACCEPTED_LABEL


class ScreeningError(Exception):
    code = "error"
    status = 500
    exit_code = 1
    default_message = "处理失败。"

    def __init__(self, message: str | None = None, *, detail: dict | None = None) -> None:
        self.message = message or self.default_message
        self.detail = detail or {}
        super().__init__(self.message)

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, **({"detail": self.detail} if self.detail else {})}


class UsageError(ScreeningError):
    code, status, exit_code = "usage", 400, 2
    default_message = "参数有误。"


class CampaignNotFound(UsageError):
    code, status = "campaign_not_found", 404
    default_message = "找不到该征集活动。"


class MaterialNotFound(UsageError):
    code, status = "material_not_found", 422
    default_message = "该征集活动没有这种材料。"


class RulebookError(ScreeningError):
    """A rulebook in corpora/campaigns/ is malformed; the message names the file and the field."""

    code, status, exit_code = "rulebook_invalid", 500, 2
    default_message = "征集规则文件有误。"


class InternalError(ScreeningError):
    code, status, exit_code = "internal", 500, 1
    default_message = "服务内部错误，已记录，请稍后重试；如果反复出现，请联系管理员并告知出错时间。"


class InputError(ScreeningError):
    code, status, exit_code = "input_invalid", 422, 3
    default_message = "无法读取该文件。"


class UnsupportedFormat(InputError):
    code, status = "unsupported_format", 415
    default_message = f"不支持该文件格式，请提交 {ACCEPTED_LABEL} 文件。"


class LegacyWordFormat(UnsupportedFormat):
    code = "legacy_word_format"
    default_message = "这是旧版 Word（.doc）或 WPS（.wps）文件，请另存为 .docx 或导出为 PDF 后再提交。"


class ExtensionMismatch(UnsupportedFormat):
    code = "extension_mismatch"
    default_message = "文件内容与扩展名不符（例如把其他文件改名为 .pdf），请提交真实的 .docx、.pdf 或文本文件。"


class EmptyFile(InputError):
    code = "empty_file"
    default_message = "文件是空的或没有可读的文字，请检查后重新提交。"


class LimitExceeded(InputError):
    code, status = "limit_exceeded", 413
    default_message = "文件超出处理限制。"


class FileTooLarge(LimitExceeded):
    code = "file_too_large"
    default_message = "文件过大，请压缩图片或删去附图后再提交。"


class TooManyPages(LimitExceeded):
    code = "too_many_pages"
    default_message = "文件页数过多，申报材料通常不超过几十页，请只提交正文部分。"


class ArchiveBomb(LimitExceeded):
    code = "archive_bomb"
    default_message = "文件解压后体积异常（疑似压缩炸弹或损坏），已拒绝处理。请用 Word 重新另存后再提交。"


class ParseTimeout(InputError):
    code = "parse_timeout"
    default_message = "文件解析超时，文件结构可能异常。请用 Word 或 WPS 重新导出后再提交。"


class EncryptedDocument(InputError):
    code = "encrypted"
    default_message = "文件已加密或设置了打开密码，请取消密码保护后再提交。"


class ScannedDocument(InputError):
    code = "scanned"
    default_message = "这是扫描件或图片版 PDF，没有可读取的文字层。请提交由 Word 导出的 PDF 或 .docx 原文件。"


class CorruptDocument(InputError):
    code = "corrupt"
    default_message = "文件已损坏或不完整（可能下载或传输中断），请重新导出后再提交。"


class UnsafeDocument(InputError):
    code = "unsafe_document"
    default_message = "文件包含不安全的结构（如外部实体引用），已拒绝处理。请用 Word 重新另存后再提交。"


class UndecodableText(InputError):
    code = "undecodable_text"
    default_message = "无法识别文本文件的编码，请另存为 UTF-8 编码后再提交。"
