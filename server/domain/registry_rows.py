"""Registry spreadsheets: the columns committees use, reading one row, and the problems a
row can have, before anything touches the database."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from schemas.common import FLAT_AREA_MAX
from server.domain.visits import is_valid_phone, normalise_phone

# Column -> the headers it is known by (Chinese as committees write them, or English).
COLUMNS: dict[str, tuple[str, ...]] = {
    "estate": ("小区", "estate"),
    "building": ("楼号", "楼栋", "楼", "building"),
    "unit": ("单元", "unit"),
    "floor": ("楼层", "层", "floor"),
    "room": ("室号", "房号", "室", "room"),
    "name": ("姓名", "name"),
    "birth_year": ("出生年份", "出生年", "birth_year"),
    "phone": ("电话", "手机", "联系电话", "phone"),
    "relation": ("与户主关系", "关系", "relation"),
    "groups": ("重点人群", "groups"),
    "notes": ("备注", "notes"),
    # The household's floor area (专有部分面积), from the 物业 or the 产证 list.
    "area": ("面积", "建筑面积", "专有部分面积", "产证面积", "area", "area_m2"),
}
REQUIRED = ("estate", "building", "room", "name")
EXPORT_HEADERS = (
    "小区",
    "楼号",
    "单元",
    "楼层",
    "室号",
    "姓名",
    "出生年份",
    "电话",
    "与户主关系",
    "重点人群",
    "备注",
    "面积",  # last, so sheets laid out before it keep their columns
)
GROUP_SPLIT = re.compile(r"[、,，;；/\s]+")
REGISTERED = "登记"  # the source of an area that came in with a registry sheet
CENT = Decimal("0.01")
# After NFKC "㎡" and "m²" both read "m2", and full-width digits and points are plain.
_AREA = re.compile(r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(?:m2|平方米|平米)?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Issue:
    field: str | None
    code: str
    message: str


@dataclass
class Row:
    number: int
    estate: str = ""
    building: str = ""
    unit: str = ""
    floor: int | None = None
    room: str = ""
    name: str = ""
    birth_year: int | None = None
    phone: str = ""
    relation: str = ""
    groups: list[str] = field(default_factory=list)
    notes: str = ""
    area: Decimal | None = None
    issues: list[Issue] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.estate, self.building, self.unit, self.room)

    @property
    def label(self) -> str:
        return address_label(self.estate, self.building, self.unit, self.room)


def address_label(estate: str, building: str, unit: str, room: str) -> str:
    """A household's address as the secretary writes it: 华发小区 5号楼 2单元301."""
    shown_unit = f"{unit}单元" if unit else ""
    return f"{estate} {building} {shown_unit}{room}".strip()


def cell_reader(cells: list[str], columns: Mapping[str, int]) -> Callable[[str], str]:
    """The trimmed text of a row's cell by column name; "" where the sheet has none."""

    def get(col: str) -> str:
        pos = columns.get(col)
        return cells[pos].strip() if pos is not None and pos < len(cells) else ""

    return get


def map_headers(
    headers: list[str],
    columns: Mapping[str, Collection[str]] | None = None,
    required: Iterable[str] | None = None,
) -> tuple[dict[str, int], list[str]]:
    """column -> position, and the required columns that are missing. A sheet of another
    kind passes its own ``columns`` (name -> headers it may carry) and ``required``."""
    columns = COLUMNS if columns is None else columns
    found: dict[str, int] = {}
    for pos, raw in enumerate(headers):
        h = (raw or "").strip().lower()
        for col, names in columns.items():
            if col not in found and h in names:
                found[col] = pos
    return found, [c for c in (REQUIRED if required is None else required) if c not in found]


def cell_text(value: object) -> str:
    """Spreadsheet cells come as numbers too: 301.0 is room "301"."""
    if value is None:
        return ""
    if isinstance(value, float):
        # A formula's result carries binary noise (72.10000000000001) the sheet never shows.
        value = round(value, 9)
        return str(int(value)) if value.is_integer() else str(value)
    return str(value).strip()


def parse_area(text: str) -> tuple[Decimal | None, Issue | None]:
    """A floor area in m² with at most two decimals, or the problem with the cell. Takes
    "85.5", "85.50", "85.5㎡", "85.5 m²", "８５．５平方米"; an empty cell is no area."""
    plain = unicodedata.normalize("NFKC", text).strip()
    if not plain:
        return None, None
    m = _AREA.match(plain)
    if m is None:
        return None, _bad_area(f"area {text!r} is not a number of m² (e.g. 85.5)")
    value = Decimal(m.group(1))
    if value <= 0:
        return None, _bad_area(f"area {text!r} must be more than 0 m²")
    if value != value.quantize(CENT):
        return None, _bad_area(f"area {text!r} has more than 2 decimals")
    if value > FLAT_AREA_MAX:
        return None, _bad_area(f"area {text!r} is over {FLAT_AREA_MAX:,} m²")
    return value.quantize(CENT), None


def _bad_area(message: str) -> Issue:
    return Issue("area", "bad_area", message)


def parse_row(
    number: int, cells: list[str], columns: dict[str, int], groups: dict[str, str], today: date
) -> Row:
    """Read one row. ``groups`` maps every accepted spelling (code or name) to a code."""
    get = cell_reader(cells, columns)
    row = Row(
        number,
        estate=get("estate"),
        building=get("building"),
        unit=get("unit"),
        room=get("room"),
        name=get("name"),
        relation=get("relation"),
        notes=get("notes"),
    )
    for col in REQUIRED:
        if not getattr(row, col):
            row.issues.append(Issue(col, "missing", f"{col} is empty"))
    if len(row.name) > 64 or len(row.room) > 16 or len(row.unit) > 16:
        row.issues.append(Issue(None, "too_long", "a value is longer than the registry allows"))
    floor = get("floor")
    if floor:
        try:
            row.floor = int(floor)
        except ValueError:
            row.issues.append(Issue("floor", "bad_floor", f"floor {floor!r} is not a number"))
    elif row.room.isdigit() and len(row.room) >= 3:
        row.floor = int(row.room[:-2])  # 302 is on the 3rd floor
    else:
        row.floor = 1
    year = get("birth_year")
    if year:
        try:
            row.birth_year = int(year)
            if not 1890 <= row.birth_year <= today.year:
                raise ValueError
        except ValueError:
            row.birth_year = None
            row.issues.append(
                Issue("birth_year", "bad_birth_year", f"{year!r} is not a birth year")
            )
    row.area, issue = parse_area(get("area"))
    if issue:
        row.issues.append(issue)
    phone = normalise_phone(get("phone"))
    if phone and not is_valid_phone(phone):
        row.issues.append(
            Issue("phone", "bad_phone", f"{phone!r} is not a mainland mobile or landline number")
        )
    row.phone = phone
    for g in (x for x in GROUP_SPLIT.split(get("groups")) if x):
        code = groups.get(g) or groups.get(g.lower())
        if code is None:
            row.issues.append(Issue("groups", "unknown_group", f"unknown priority group {g!r}"))
        elif code not in row.groups:
            row.groups.append(code)
    return row
