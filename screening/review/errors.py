"""The review desk's refusals: each a ``ScreeningError`` with a Chinese message and an HTTP status, so the API's one
error handler answers them and nothing is written (every check runs before the transaction that stores)."""

from __future__ import annotations

from ..errors import ScreeningError


class ReviewError(ScreeningError):
    code, status, exit_code = "review_error", 400, 2


class SubmissionNotFound(ReviewError):
    code, status = "submission_not_found", 404
    default_message = "找不到该报送（编号有误，或不在您可查看的范围内）。"


class ReviewItemNotFound(ReviewError):
    code, status = "review_item_not_found", 404
    default_message = "找不到该条报送材料（编号有误，或不在您负责审查的征集活动内）。"


class BatchNotFinished(ReviewError):
    code, status = "batch_not_finished", 409
    default_message = "该批次尚未预审完成，完成后才能报送。"


class AlreadySubmitted(ReviewError):
    code, status = "already_submitted", 409
    default_message = "该批次已经报送并冻结，不能重复报送。如需更改，请新建批次后再报送。"


class UnknownBureau(ReviewError):
    code, status = "unknown_bureau", 422
    default_message = "未知的报送机构：请填写运维人员配置的机构名称。"


class InvalidDecision(ReviewError):
    code, status = "invalid_decision", 422
    default_message = "审查结论只能是：形式审查通过、退回补正、存疑。"


class CallNotAssigned(ReviewError):
    code, status = "call_not_assigned", 403
    default_message = "该征集活动未分配给您审查。"
