"""Fuzhou as the generator sees it: districts and their shares, scales, name pools, dates.

Figures come from the public figures behind docs/domain.md; where one is an estimate the value
here is a setting, not a fact.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone

SHANGHAI = timezone(timedelta(hours=8))
DEFAULT_AS_OF = date(2026, 11, 1)  # the synthetic world's "today": never the real clock
RECORDED_BY = "graph_seed"


@dataclass(frozen=True)
class District:
    code: str
    name: str
    population_share: float
    lpg_weight: float  # urban homes mostly have piped gas: cylinders are weighted to the counties
    streets: tuple[str, ...]


DISTRICTS: tuple[District, ...] = (
    District("350102", "鼓楼区", 0.096, 0.3, ("五四路", "杨桥中路", "东街", "湖东路", "铜盘路")),
    District("350103", "台江区", 0.063, 0.3, ("八一七中路", "工业路", "江滨中大道", "国货西路")),
    District("350104", "仓山区", 0.108, 0.6, ("首山路", "建新南路", "盖山路", "城门镇")),
    District("350105", "马尾区", 0.034, 0.8, ("罗星路", "亭江镇", "琅岐镇", "江滨东大道")),
    District("350111", "晋安区", 0.113, 0.6, ("福马路", "岳峰镇", "新店镇", "宦溪镇")),
    District("350112", "长乐区", 0.095, 1.4, ("吴航街道", "航城街道", "金峰镇", "潭头镇")),
    District("350121", "闽侯县", 0.094, 1.3, ("甘蔗街道", "上街镇", "青口镇", "南屿镇")),
    District("350122", "连江县", 0.077, 1.5, ("凤城镇", "琯头镇", "敖江镇", "黄岐镇")),
    District("350123", "罗源县", 0.027, 1.5, ("凤山镇", "松山镇", "起步镇")),
    District("350124", "闽清县", 0.031, 1.5, ("梅城镇", "白樟镇", "坂东镇")),
    District("350125", "永泰县", 0.033, 1.5, ("樟城镇", "城峰镇", "嵩口镇")),
    District("350128", "平潭县", 0.059, 1.5, ("潭城镇", "苏澳镇", "流水镇")),
    District("350181", "福清市", 0.170, 1.6, ("玉屏街道", "龙山街道", "宏路街道", "江阴镇")),
)
DISTRICT_BY_CODE = {d.code: d for d in DISTRICTS}
# Other birthplaces of Fuzhou residents; 350182 is Changle's code retired in 2017 (still valid).
OTHER_BIRTH_REGIONS = ("350182", "350200", "350300", "350500", "350600", "360100", "330100")

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯"
    "邓曹彭曾肖田董潘袁蔡蒋余于杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红"
    "建文辉力国荣春梅斌鑫宇浩凯婷雪琳晨阳佳欣怡俊峰海燕"
)


@dataclass(frozen=True)
class Scale:
    name: str
    households: int  # LPG households, restaurants' premises included
    restaurants: int  # each a RESTAURANT enterprise with a COMMERCIAL household and 3-10 cylinders
    cylinders: int  # the whole registry: at households, in station stock, scrapped
    filling_stations: int
    vehicles: int  # dangerous-goods trucks, each with a driver and an escort
    food_producers: int
    supermarkets: int
    farmers_markets: int
    products: int  # food batches, one trace code each
    incidents_traffic: int
    tips: int
    chunk_cylinders: int  # cylinders per generated chunk (memory, progress)

    def fraction(self, f: float) -> Scale:
        """The same city with every population count multiplied by f (stations stay)."""
        if f >= 1.0:
            return self

        def part(n: int, least: int = 1) -> int:
            return max(least, round(n * f))

        return replace(
            self,
            name=f"{self.name}x{f:g}",
            households=part(self.households),
            restaurants=part(self.restaurants),
            cylinders=part(self.cylinders),
            vehicles=part(self.vehicles, 2 * self.filling_stations),
            food_producers=part(self.food_producers),
            supermarkets=part(self.supermarkets),
            farmers_markets=part(self.farmers_markets),
            products=part(self.products),
            incidents_traffic=part(self.incidents_traffic),
            tips=part(self.tips),
        )


SCALES: dict[str, Scale] = {
    "tiny": Scale("tiny", 220, 12, 600, 5, 12, 12, 3, 4, 120, 3, 10, 200),
    "small": Scale("small", 4_000, 250, 10_500, 12, 40, 200, 30, 40, 3_500, 15, 200, 3_000),
    "city": Scale(
        "city", 400_000, 30_000, 1_200_000, 53, 400, 3_000, 300, 400, 150_000, 150, 3_000, 20_000
    ),
}


def add_years(d: date, years: int) -> date:
    """The same day `years` later (29 February becomes 28 February)."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def at(d: date, minutes_of_day: int) -> datetime:
    """A zoned Fuzhou time (+08:00) on day d."""
    return datetime.combine(d, time(minutes_of_day // 60, minutes_of_day % 60), SHANGHAI)


def recorded_at(d: date) -> datetime:
    """When a registration made on day d was recorded (09:00 Fuzhou time)."""
    return at(d, 9 * 60)
