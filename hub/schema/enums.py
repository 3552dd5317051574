"""Enumerations, with the Chinese terms agency developers know them by."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="Enterprise kind 企业类型")
class EnterpriseKind(Enum):
    FILLING_STATION = strawberry.enum_value("FILLING_STATION", description="充装站")
    GAS_DISTRIBUTOR = strawberry.enum_value("GAS_DISTRIBUTOR", description="燃气经营企业")
    CYLINDER_MANUFACTURER = strawberry.enum_value(
        "CYLINDER_MANUFACTURER", description="气瓶制造单位"
    )
    INSPECTION_AGENCY = strawberry.enum_value("INSPECTION_AGENCY", description="气瓶检验机构")
    FOOD_PRODUCER = strawberry.enum_value("FOOD_PRODUCER", description="食品生产企业")
    WHOLESALE_MARKET = strawberry.enum_value("WHOLESALE_MARKET", description="批发市场")
    SUPERMARKET = strawberry.enum_value("SUPERMARKET", description="超市")
    FARMERS_MARKET = strawberry.enum_value("FARMERS_MARKET", description="农贸市场")
    RESTAURANT = strawberry.enum_value("RESTAURANT", description="餐饮单位")
    DELIVERY_PLATFORM = strawberry.enum_value("DELIVERY_PLATFORM", description="网络订餐平台")
    LOGISTICS = strawberry.enum_value("LOGISTICS", description="物流企业")


@strawberry.enum(description="Cylinder status 气瓶状态")
class CylinderStatus(Enum):
    IN_SERVICE = strawberry.enum_value("IN_SERVICE", description="在用")
    DUE = strawberry.enum_value("DUE", description="临近定期检验 (within 30 days)")
    OVERDUE = strawberry.enum_value("OVERDUE", description="超期未检")
    SCRAPPED = strawberry.enum_value("SCRAPPED", description="报废")
    SEIZED = strawberry.enum_value("SEIZED", description="查封扣押")


@strawberry.enum(description="Food category 食品类别 (一品一码)")
class ProductCategory(Enum):
    GRAIN = strawberry.enum_value("GRAIN", description="粮食")
    LIVESTOCK = strawberry.enum_value("LIVESTOCK", description="畜肉")
    POULTRY = strawberry.enum_value("POULTRY", description="禽肉")
    VEGETABLES = strawberry.enum_value("VEGETABLES", description="蔬菜")
    FRUIT = strawberry.enum_value("FRUIT", description="水果")
    AQUATIC = strawberry.enum_value("AQUATIC", description="水产品")
    BEAN_PRODUCTS = strawberry.enum_value("BEAN_PRODUCTS", description="豆制品")
    DAIRY = strawberry.enum_value("DAIRY", description="乳制品")
    EDIBLE_OIL = strawberry.enum_value("EDIBLE_OIL", description="食用油")
    SALT = strawberry.enum_value("SALT", description="食盐")
    OTHER = strawberry.enum_value("OTHER", description="其他")


@strawberry.enum(description="Test result 检测结果")
class TestResult(Enum):
    PASS = strawberry.enum_value("PASS", description="合格")
    FAIL = strawberry.enum_value("FAIL", description="不合格")


@strawberry.enum(description="Sort direction")
class Direction(Enum):
    ASC = "ASC"
    DESC = "DESC"
