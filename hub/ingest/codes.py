"""Per-item error codes of the mutations, each with the Chinese term agency developers know."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Code(StrEnum):
    MISSING = "MISSING"
    INVALID_VALUE = "INVALID_VALUE"
    INVALID_IDENTIFIER = "INVALID_IDENTIFIER"
    INVALID_TIME = "INVALID_TIME"
    INVALID_TEXT = "INVALID_TEXT"
    TOO_LONG = "TOO_LONG"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    WRONG_KIND = "WRONG_KIND"
    NOT_OWNER = "NOT_OWNER"
    CYLINDER_UNREGISTERED = "CYLINDER_UNREGISTERED"
    CYLINDER_OVERDUE = "CYLINDER_OVERDUE"
    CYLINDER_SCRAPPED = "CYLINDER_SCRAPPED"
    CYLINDER_SEIZED = "CYLINDER_SEIZED"
    CODE_SCRAPPED = "CODE_SCRAPPED"
    PERMIT_EXPIRED = "PERMIT_EXPIRED"
    DRIVER_NOT_CERTIFIED = "DRIVER_NOT_CERTIFIED"
    ESCORT_NOT_CERTIFIED = "ESCORT_NOT_CERTIFIED"
    FILLER_NOT_CERTIFIED = "FILLER_NOT_CERTIFIED"
    HOUSEHOLD_UNREGISTERED = "HOUSEHOLD_UNREGISTERED"
    TRACE_CODE_UNREGISTERED = "TRACE_CODE_UNREGISTERED"
    BATCH_FAILED_TEST = "BATCH_FAILED_TEST"


DESCRIPTIONS: dict[Code, str] = {
    Code.MISSING: "必填项缺失 (a required field is missing)",
    Code.INVALID_VALUE: "取值无效 (a value out of range or of the wrong form)",
    Code.INVALID_IDENTIFIER: "编码无效 (uscc, resident id, plate, mobile or key fails its check)",
    Code.INVALID_TIME: "时间无效 (not ISO 8601 with a zone, or in the future)",
    Code.INVALID_TEXT: "含控制字符 (text holds control characters)",
    Code.TOO_LONG: "超长 (text longer than allowed)",
    Code.FORBIDDEN: "无权写入 (the write policy does not allow this item)",
    Code.NOT_FOUND: "引用对象不存在或不可见 (a referenced record is absent or out of scope)",
    Code.CONFLICT: "重复编号内容不一致 (the key was recorded before with other content)",
    Code.WRONG_KIND: "企业类型不符 (the referenced enterprise is of the wrong kind)",
    Code.NOT_OWNER: "非本单位产权气瓶 (the cylinder belongs to another enterprise)",
    Code.CYLINDER_UNREGISTERED: "气瓶未登记 (no cylinder is registered under that code)",
    Code.CYLINDER_OVERDUE: "气瓶超期未检 (the cylinder is overdue for periodic inspection)",
    Code.CYLINDER_SCRAPPED: "气瓶已报废 (the cylinder is scrapped or past its scrap date)",
    Code.CYLINDER_SEIZED: "气瓶已查封 (the cylinder is seized)",
    Code.CODE_SCRAPPED: "报废气瓶编码不得重新登记 (a scrapped cylinder's code is never reused)",
    Code.PERMIT_EXPIRED: "危险货物运输许可无效 (no valid dangerous-goods permit at that time)",
    Code.DRIVER_NOT_CERTIFIED: "驾驶员无危险货物运输资格 (the driver is not a certified DG driver "
    "of the vehicle's operator)",
    Code.ESCORT_NOT_CERTIFIED: "押运员无资格 (the escort is not a certified escort of the "
    "vehicle's operator)",
    Code.FILLER_NOT_CERTIFIED: "充装人员无资格 (the filler is not a certified filler of the "
    "station)",
    Code.HOUSEHOLD_UNREGISTERED: "用户未实名登记 (the household is not registered to a real name)",
    Code.TRACE_CODE_UNREGISTERED: "追溯码未登记 (no batch is registered under that trace code)",
    Code.BATCH_FAILED_TEST: "批次检测不合格 (the batch failed its test)",
}


@dataclass(frozen=True)
class ItemError:
    field: str | None
    code: Code
    message: str
