"""Quantities in Chinese text, with exact values: "16.4亿" is 1640000000, never 1639999999.

Two public functions:

- :func:`parse_number` turns one numeral into a ``Decimal``: Arabic (``3541.07``, ``1,234``), Chinese (``两千二百``,
  ``十万零一千``, ``伍仟``, ``二〇二五``), mixed (``1.2亿``, ``13万2``) and spoken decimals (``一点五七``).
- :func:`find_quantities` finds every quantity mention in a text, with its offsets, exact value, unit, kind,
  comparison word and approximation marker, and ranges (``10-20万``, ``三至五年``).

Why our own rules rather than a library: the Chinese number libraries fail on exactly the forms application materials
use (cn2an turns 16.4亿 into 1639999999 through a float and cannot read 13万2 or 十万零一千; JioNLP sums the digits of
"3541.07万元2"; spaCy's ``like_num`` knows neither 16.4亿 nor 百分之一点五七; see ../shared/research/anchors.md §1.6
and deps.md §3). Every value here is built with ``Decimal`` arithmetic on the digits as written.

What is deliberately *not* a quantity: technology names (5G, 4K/8K, 1080P), political shorthand (二十大, 十四五) and set
phrases (一体化, 一系列, 第一时间, 统一) listed in ``corpora/lexicons/not_quantities.txt``; section numbers and
enumerators (一、 （一） 1. （1） 第一， 一是); identifiers (H5, MP4); and a lone 一 before a measure word (一个平台 is
an article, not data).

Approximate and colloquial forms are read as ranges with their marker: 三五百元 (300-500), 四五千元, 二三十万, 十七八个
(a pair of adjacent digits), 几十万元 and 数百个 (几/数 is two to nine of the place that follows), 十块三毛 (10.3 元),
and ranges written with one or two dashes, a tilde, 至 or 到 (1万元--5万元). Vague amounts (几十万, 数百) are found
but are not data figures (:func:`is_data`): the notices ask for real, detailed figures.

Kinds: ``date`` (2024年, 3月), ``rank`` (第一, 排名第3, 前十名) and the data kinds ``scale``, ``feedback``,
``finance``, ``operations``, ``expectation`` decided by the unit (元 → finance) or by the nearest dimension word in
the clause (``corpora/lexicons/dimensions.toml``), else ``other``. Dates and ranks are quantities too, but
:func:`is_data` says which mentions count as data figures for density.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal, localcontext
from functools import cache, lru_cache

from .nlp import read_toml, read_words

# --- parsing one numeral ----------------------------------------------------------------------------------------

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "贰": 2,
    "两": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
_CN_POWERS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_BIG = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}

_DIGIT_CHARS = "".join(_CN_DIGITS)
MAX_NUMERAL_CHARS = 30  # longer digit strings are identifiers (order numbers, IDs), not amounts
_CN_CHARS = _DIGIT_CHARS + "".join(_CN_POWERS) + "".join(_CN_BIG)
_ARABIC = r"\d+(?:,\d{3})+(?:\.\d+)?(?![\d,])|\d+(?:\.\d+)?"
_CN_UNIT = rf"[{_CN_CHARS}](?:点[{_DIGIT_CHARS}]+)?"
# One numeral: Arabic and Chinese pieces in any mix, with 余/多 allowed just before a multiplier (10余万, 三十多万).
_NUMERAL = rf"(?:{_ARABIC}|{_CN_UNIT})(?:{_ARABIC}|{_CN_UNIT}|[余多](?=[万亿萬億]))*"
_TOKEN = re.compile(
    rf"(?P<arabic>{_ARABIC})|(?P<digit>[{_DIGIT_CHARS}])(?:点(?P<frac>[{_DIGIT_CHARS}]+))?"
    rf"|(?P<power>[{''.join(_CN_POWERS)}])|(?P<big>[{''.join(_CN_BIG)}])"
)


def parse_number(numeral: str) -> Decimal:
    """The exact value of one numeral; raises ``ValueError`` when it is not a well-formed number.

    >>> parse_number("16.4亿"), parse_number("13万2"), parse_number("十万零一千"), parse_number("两千二百")
    (Decimal('1640000000.0'), Decimal('132000'), Decimal('101000'), Decimal('2200'))

    A single digit after a multiplier is colloquial shorthand for the next place down: 13万2 is 13.2万, 一百五 is 150
    (but 一百零五 is 105). A run of bare Chinese digits is read positionally (二〇二五 → 2025).
    """
    text = numeral.replace("余", "").replace("多", "")
    if not text or len(text) > MAX_NUMERAL_CHARS:
        raise ValueError(f"not a number: {numeral!r}")
    if all(ch in _CN_DIGITS for ch in text) and len(text) > 1:
        return Decimal("".join(str(_CN_DIGITS[ch]) for ch in text))
    return _positional(text, numeral)


def _positional(text: str, numeral: str) -> Decimal:
    with localcontext() as context:
        context.prec = 80  # far above MAX_NUMERAL_CHARS digits times 亿亿: no product is ever rounded
        return _positional_exact(text, numeral)


def _positional_exact(text: str, numeral: str) -> Decimal:
    total, section, pending = Decimal(0), Decimal(0), None
    largest_big, last_unit, zero_since_unit, pending_single = 0, 0, False, False
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ValueError(f"not a number: {numeral!r}")
        pos = m.end()
        if m["arabic"] or m["digit"]:
            if pending is not None:
                raise ValueError(f"two numbers in a row: {numeral!r}")
            pending, pending_single = _digit_value(m), len(m[0]) == 1
            if pending == 0 and m["digit"]:
                pending, zero_since_unit = None, True
        elif m["power"]:
            section += (pending if pending is not None else 1) * _CN_POWERS[m["power"]]
            pending, last_unit, zero_since_unit = None, _CN_POWERS[m["power"]], False
        else:
            big = _CN_BIG[m["big"]]
            if pending is None and section == 0 and total == 0:
                pending = Decimal(1)  # a bare 万 or 亿 (上万, 亿级) is one of it
            section += pending or 0
            if big > largest_big:
                total, largest_big = (total + section) * big, big
            else:
                total += section * big
            section, pending, last_unit, zero_since_unit = Decimal(0), None, big, False
    if pending is not None:
        if pending_single and last_unit >= 10 and not zero_since_unit:
            pending *= Decimal(last_unit) / 10  # 13万2, 一百五: the shorthand for the next place down
        section += pending
    return total + section


def _digit_value(m: re.Match[str]) -> Decimal:
    if m["arabic"]:
        return Decimal(m["arabic"].replace(",", ""))
    value = Decimal(_CN_DIGITS[m["digit"]])
    if m["frac"]:
        value += Decimal("0." + "".join(str(_CN_DIGITS[ch]) for ch in m["frac"]))
    return value


def exact(value: Decimal) -> str:
    """A Decimal as a plain exact string: no exponent, no trailing zeros (1640000000, 1.57, 0.8)."""
    text = format(value, "f")  # never normalize(): it rounds to the context's 28 digits
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# --- quantity mentions ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Quantity:
    """One quantity mention. ``value`` is exact; for a range it is the lower end and ``upper`` the higher."""

    span: str
    start: int
    end: int
    value: Decimal
    unit: str | None = None
    kind: str = "other"  # scale feedback finance operations expectation date rank other
    comparative: str | None = None  # the comparison word, e.g. 同比增长, 倍
    approx: str | None = None  # the approximation marker, e.g. 近, 超, 余, 左右
    upper: Decimal | None = None

    def to_dict(self) -> dict:
        return {
            "span": self.span,
            "start": self.start,
            "end": self.end,
            "value": exact(self.value),
            "unit": self.unit,
            "kind": self.kind,
            "comparative": self.comparative,
            "approx": self.approx,
            "upper": exact(self.upper) if self.upper is not None else None,
        }


NON_DATA_KINDS = frozenset({"date", "rank"})


def is_data(q: Quantity) -> bool:
    """Whether a mention is a data figure (counts toward density), as opposed to a date, a rank or a vague amount
    (几十万, 数百: found and reported, but no figure a reviewer could check)."""
    return q.kind not in NON_DATA_KINDS and q.approx not in _VAGUE_DIGIT


_MARKER = re.compile(rf"(?P<pct>百分之)?(?P<num>{_NUMERAL})")
# One or two dashes (1万元--5万元, 1万元——5万元), a tilde, 至 or 到 between the ends of a range.
_RANGE_SEP = re.compile(r"\s*(?:[-—–~～]{1,2}|[至到])\s*")
_CLAUSE_END = "，,。；;！？!?\n\t：:"
_SENTENCE_END = "。；;！？!?\n"
_LIST_MARK_AFTER = "、.．）)"
_ENUM_AFTER = "，,、：:"
_STRUCTURAL = ("章", "节", "部分", "篇", "条", "款", "点", "段")
_DURATIONS = frozenset({"年", "年度", "个月", "月", "周", "天", "日", "小时", "分钟", "秒", "季度"})
_RANK_UNITS = ("名", "位", "强")
_DATE_TAIL = re.compile(
    rf"(?:\d{{1,2}}|[{_DIGIT_CHARS}十]{{1,3}})[月日号](?:份)?(?:(?:\d{{1,2}}|[{_DIGIT_CHARS}十]{{1,3}})[日号])?"
)
_JIAO_FEN = re.compile(rf"(?:(?P<jiao>[\d{_DIGIT_CHARS}])[角毛])?(?:(?P<fen>[\d{_DIGIT_CHARS}])分)?")
# 块 is money only when 毛 (角) follows it (十块三毛); alone it is a measure word (两块屏幕).
_KUAI_MONEY = re.compile(rf"[\d{_DIGIT_CHARS}]毛")
_REFERENCE_WORDS = ("附录", "附件", "附表", "问题", "如图", "见图", "如表", "见表")
# Document numbers: 广办通字【2009】34号, 广电办发〔2025〕45号 — the year in brackets and the serial are identifiers.
_DOCUMENT_NUMBER = re.compile(r"[〔【\[［]\s*\d{4}\s*[〕】\]］]\s*\d+\s*号")
# Links and DOIs, and a reference's volume(issue):pages (今传媒,27(12),1-5 / 2024,(05):25-33+112): identifiers.
_LINK = re.compile(r"(?:https?://|www\.|DOI[:：]\s*)[\w./:%?&=#~+-]+", re.IGNORECASE)
_VOLUME_PAGES = re.compile(r"\d*\s*[(（]\d+[)）]\s*[,，:：]\s*\d+(?:\s*[-–—]\s*\d+)?(?:\+\d+)?")
_FINANCIAL_DIGITS = frozenset("壹贰叁肆伍陆柒捌玖")
_VAGUE_DIGIT = ("几", "数")  # 几十万, 数百: "a few" (2 to 9) of the place that follows
# 数 after these is a noun's last character (人数十万 is "the number of people: 100,000"), not "a few".
_COUNT_NOUN_ENDS = frozenset("人总次户指参倍系函分少多无岁件点票字条个位页项频基整变常约余")
_HEADER_UNIT = re.compile(r"[（(](?P<mult>[万亿])?(?P<unit>[^（）()]{0,4})[）)]\s*$")


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity mention in ``text``, in order, with offsets into ``text``."""
    return list(_find_quantities(text))


@lru_cache(maxsize=16)
def _find_quantities(text: str) -> tuple[Quantity, ...]:
    """Cached: several checks read the figures of the same material (mentions are immutable)."""
    norm = _half_width_digits(text)
    excluded = _excluded_spans(norm)
    found: list[Quantity] = []
    pos = 0
    while (m := _MARKER.search(norm, pos)) is not None:
        quantity, pos = _read(norm, m.start(), excluded)
        if quantity is not None:
            found.append(replace(quantity, span=text[quantity.start : quantity.end]))
        pos = max(pos, m.start() + 1)
    return tuple(_inherit_kinds(norm, found))


def _inherit_kinds(text: str, found: list[Quantity]) -> list[Quantity]:
    """A bare comparison (日活超80万，同比增长35%) is about the figure before it in the same sentence."""
    out: list[Quantity] = []
    for q in found:
        prev = out[-1] if out else None
        if (
            q.kind == "other"
            and q.comparative
            and prev is not None
            and prev.kind not in NON_DATA_KINDS | {"other"}
            and not any(ch in _SENTENCE_END for ch in text[prev.end : q.start])
        ):
            q = replace(q, kind=prev.kind)
        out.append(q)
    return out


def _read(text: str, start: int, excluded: list[tuple[int, int]]) -> tuple[Quantity | None, int]:
    """Read the mention starting at ``start``; return it (or None) and where to continue scanning."""
    start = _skip_excluded(start, excluded)
    m = _MARKER.match(text, start)
    if m is None:
        return None, start + 1
    if _glued_to_identifier(text, m.start("num")):
        return None, m.end()  # the whole of COVID-19, not its last digit
    first = _numeral_at(text, start)
    if first is None:
        return None, start + 1
    if _is_list_marker(text, first):
        return None, first.end
    upper = None
    sep = _RANGE_SEP.match(text, first.end_of_unit)
    second = _numeral_at(text, sep.end()) if sep else None
    if second is not None and _forms_range(first, second) and not _is_list_marker(text, second):
        first, upper = _merge_range(first, second), second
    elif not first.acceptable:
        return None, first.end
    quantity = _quantity(text, first, upper)
    return quantity, max(quantity.end, (upper or first).end)


def _forms_range(first: _Numeral, second: _Numeral) -> bool:
    """A dash or 至 between two figures makes a range only when the figures carry a unit or multiplier."""
    return bool(second.unit or first.unit or second.magnitude > 1 or second.chinese) or _year_span(first, second)


def _year_span(first: _Numeral, second: _Numeral) -> bool:
    """2009-2014: two bare years, the second later, are a period (a heading's 生于微末：2009-2014)."""
    return (
        all(n.value == int(n.value) and 1900 <= n.value <= 2099 and not n.chinese for n in (first, second))
        and first.value < second.value
    )


@dataclass(slots=True)
class _Numeral:
    start: int  # including a 百分之 prefix
    end: int  # past the unit and any trailing approximation marker
    end_of_unit: int
    value: Decimal
    magnitude: int  # the trailing 万/亿 multiplier, to share with the other end of a range (10-20万)
    unit: str | None
    chinese: bool  # written only in Chinese numerals
    acceptable: bool  # worth reporting on its own (a lone 两 without a unit is not)
    approx: str | None = None
    upper: Decimal | None = None  # 两三个: the pair of adjacent digits reads as a range


def _numeral_at(text: str, start: int) -> _Numeral | None:
    m = _MARKER.match(text, start)
    if m is None or _glued_to_identifier(text, m.start("num")):
        return None
    raw = m["num"]
    infix = None
    if raw[-1] in "余多" and len(raw) > 1:  # 十多 before a unit: the marker belongs to the unit side
        raw, infix = raw[:-1], raw[-1]
    num_end = m.start("num") + len(raw)
    chinese = not any(ch.isdigit() for ch in raw)
    vague = _vague_prefix(text, m.start(), raw)
    value, upper = _vague_range(raw) if vague else _value_of(raw)
    if value is None:
        return None
    pos = num_end
    magnitude = _CN_BIG.get(raw[-1], 1)
    if not chinese and text[pos : pos + 1] in ("W", "w") and not _letters_at(text, pos + 1):
        value, upper, magnitude = value * 10**4, upper * 10**4 if upper is not None else None, 10**4
        pos += 1  # 2.4W: the web's shorthand for 万
    if infix is None:
        infix = _match_any(text, pos, _markers("approx_infix"))
        pos += len(infix or "")
    if m["pct"]:
        unit = "%"
    else:
        unit = _unit_at(text, pos)
        if unit is None and text[pos : pos + 1] == " " and text[pos + 1 : pos + 2] in ("年", "月", "日"):
            pos += 1  # "2019 年 4 月": a space before a date unit (PDF text often has one)
            unit = text[pos]
        if unit is None and _letters_at(text, pos):
            return None  # 5G, 4K, 1080P: a name, not a quantity
        if unit == "块" and _KUAI_MONEY.match(text, pos + 1):
            unit = "元"  # 十块三毛: colloquial yuan and jiao (the span keeps the words as written)
    end_of_unit = pos + len(unit or "") if not m["pct"] else pos
    suffix = _match_any(text, end_of_unit, _markers("approx_after")) or _trailing_plus(text, end_of_unit)
    approx = infix or suffix or vague or (_pair_marker(raw) if upper is not None else None)  # 两三个, 三五百
    if "余" in raw or "多" in raw:
        approx = approx or ("余" if "余" in raw else "多")
    acceptable = bool(vague) or (
        _acceptable(raw, value, unit, chinese, text, m.start()) and not _is_version(raw, unit, text, m.start(), pos)
    )
    return _Numeral(
        start=m.start() - len(vague or ""),
        end=end_of_unit + len(suffix or ""),
        end_of_unit=end_of_unit,
        value=value,
        magnitude=magnitude,
        unit=unit,
        chinese=chinese,
        acceptable=acceptable,
        approx=approx,
        upper=upper,
    )


def _value_of(raw: str) -> tuple[Decimal | None, Decimal | None]:
    """The numeral's value, or a (low, high) pair for two adjacent Chinese digits such as 两三 or 三五.

    The pair may sit inside a numeral: 三五百 is 300-500, 四五千 4000-5000, 二三十万 200000-300000, 十七八 17-18.
    Each end is the numeral with one digit of the pair left out, so it goes through the same exact parser.
    """
    if len(raw) == 2 and all(ch in _CN_DIGITS and _CN_DIGITS[ch] for ch in raw):
        low, high = (_CN_DIGITS[ch] for ch in raw)
        if low < high:
            return Decimal(low), Decimal(high)
        return None, None
    if (pair := _digit_pair(raw)) is not None:
        at = pair
        try:
            return parse_number(raw[: at + 1] + raw[at + 2 :]), parse_number(raw[:at] + raw[at + 1 :])
        except ValueError:
            return None, None
    try:
        return parse_number(raw), None
    except ValueError:
        return None, None


_POWER_CHARS = frozenset(_CN_POWERS) | frozenset(_CN_BIG)


def _digit_pair(raw: str) -> int | None:
    """Where an approximate pair of adjacent Chinese digits starts in a numeral with a place word (三五百, 十七八).

    Only an ascending pair one or two apart (两三, 三五, 七八) next to a place word counts: a well-formed numeral never
    has two digits side by side, and a run of bare digits (二〇二五) is read positionally and has no place word.
    """
    if not any(ch in _POWER_CHARS for ch in raw) or any(ch.isdigit() for ch in raw):
        return None
    for at in range(len(raw) - 1):
        a, b = raw[at], raw[at + 1]
        if a in _CN_DIGITS and b in _CN_DIGITS and 0 < _CN_DIGITS[a] < _CN_DIGITS[b] <= _CN_DIGITS[a] + 2:
            before, after = raw[at - 1 : at], raw[at + 2 : at + 3]
            if after in _POWER_CHARS or (after == "" and before in _POWER_CHARS):
                return at
    return None


def _pair_marker(raw: str) -> str:
    """The approximation marker of a pair reading: the pair itself (两三, 三五)."""
    at = _digit_pair(raw)
    return raw if at is None else raw[at : at + 2]


def _vague_prefix(text: str, start: int, raw: str) -> str | None:
    """几 or 数 right before a numeral that starts with a place word (几十万, 数百): "a few" of that place.

    数 closes many nouns (人数, 总数, 次数); after one of those it is the noun, and the numeral is exact.
    """
    before = text[start - 1 : start] if start else ""
    if before not in _VAGUE_DIGIT or not raw or raw[0] not in _POWER_CHARS or any(ch.isdigit() for ch in raw):
        return None
    return None if _noun_before(text, start) else before


def _noun_before(text: str, start: int) -> bool:
    """Whether the 数 before ``start`` ends a noun (人数, 总数, 次数) rather than meaning "a few"."""
    return text[start - 1 : start] == "数" and start >= 2 and text[start - 2] in _COUNT_NOUN_ENDS


def _vague_range(raw: str) -> tuple[Decimal | None, Decimal | None]:
    """几十万 is 200000-900000: 几 is a digit from two to nine (现代汉语词典: 大于一而小于十的不定的数目)."""
    try:
        return parse_number("二" + raw), parse_number("九" + raw)
    except ValueError:
        return None, None


def _acceptable(raw: str, value: Decimal, unit: str | None, chinese: bool, text: str, start: int) -> bool:
    """Whether a numeral is worth reporting on its own (a range or a 第 can make a lone digit acceptable)."""
    before = text[start - 1] if start else ""
    if before in _VAGUE_DIGIT and not _noun_before(text, start):
        return False  # 几个, 数个: a lone digit after 几 is no figure (几十, 数百 are read by _vague_range)
    if not chinese or before == "第":
        return True
    if before == "上" and raw in ("百", "千", "万", "亿"):
        return True  # 上万, 上千: an approximate magnitude
    if len(raw) > 1:
        return True
    if raw in _FINANCIAL_DIGITS:
        return False  # 大陆间, 队伍: a lone 陆 or 伍 is a word; the financial forms come with a place word (伍仟)
    if raw in _CN_DIGITS:  # a lone Chinese digit: only with a unit, and 一 is an article (一个平台), not data
        return unit is not None and value != 1
    return unit is not None  # a bare 十/百/万 needs a unit (十家), or it is a word (十分, 百度, 万达)


def _is_version(raw: str, unit: str | None, text: str, start: int, end: int) -> bool:
    """智媒云6.0, 2.0版, 8+N: a bare figure that names a version or a formula, not an amount (600+ is an amount)."""
    if unit is not None or not raw[:1].isdigit() or header_unit(text[max(0, start - 10) : start]):
        return False
    _, _, fraction = raw.partition(".")
    formula = text[end : end + 1] in ("+", "＋") and not _trailing_plus(text, end)
    return bool(fraction) and set(fraction) == {"0"} or text[end : end + 1] in ("版", "代") or formula


def _trailing_plus(text: str, pos: int) -> str | None:
    """ "+" closing a figure (点赞量600+，) means "more than"; followed by a word or figure (8+N) it is a formula."""
    if text[pos : pos + 1] not in ("+", "＋"):
        return None
    nxt = text[pos + 1 : pos + 2]
    return None if nxt and (nxt.isalnum() or nxt in '“"《（(') else "+"


def _merge_range(first: _Numeral, second: _Numeral) -> _Numeral:
    """10-20万 is 100000-200000: the lower end borrows the upper end's multiplier and unit when it has none."""
    value = first.value
    if first.unit is None and first.magnitude == 1 and second.magnitude > 1:
        value *= second.magnitude
    return replace(first, value=value, unit=first.unit or second.unit, approx=first.approx or second.approx)


def _quantity(text: str, num: _Numeral, upper: _Numeral | None) -> Quantity:
    start = num.start
    approx = num.approx
    before = _match_any_before(text, start, _markers("approx_before"))
    if before:
        approx, start = before, start - len(before)
    elif text[max(0, start - 1) : start] == "上" and num.chinese and num.value in (100, 1000, 10**4, 10**8):
        approx, start = "上", start - 1
    end = upper.end if upper else num.end
    high = upper.value if upper else num.upper
    kind = _kind(text, num, upper)
    if kind == "date" and (tail := _DATE_TAIL.match(text, end)):
        end = tail.end()  # 2024年3月15日 is one date
    if num.unit == "元" and upper is None and (cents := _JIAO_FEN.match(text, end)):
        num, end = replace(num, value=num.value + _jiao_fen(cents)), cents.end()  # 123元1角1分 is 123.11元
    if num.unit is None and num.magnitude == 1 and (label := header_unit(text[max(0, start - 10) : start])):
        num = replace(num, value=num.value * label[0], unit=label[1])  # 发行总额（亿）10.00
        high = high * label[0] if high is not None else None
    if kind == "rank" and text[max(0, num.start - 1) : num.start] == "第":
        start = min(start, num.start - 1)
    comparative = _comparative(text, num.start) or ("倍" if num.unit == "倍" else None)
    return Quantity(
        span=text[start:end],
        start=start,
        end=end,
        value=num.value,
        unit=num.unit,
        kind=kind,
        comparative=comparative,
        approx=approx,
        upper=high,
    )


def _jiao_fen(m: re.Match[str]) -> Decimal:
    digit = lambda ch: Decimal(_CN_DIGITS[ch]) if ch in _CN_DIGITS else Decimal(ch)  # noqa: E731
    return (digit(m["jiao"]) / 10 if m["jiao"] else 0) + (digit(m["fen"]) / 100 if m["fen"] else 0)


# --- what a figure is about -------------------------------------------------------------------------------------


def _kind(text: str, num: _Numeral, upper: _Numeral | None) -> str:
    if _is_date(text, num, upper):
        return "date"
    if _is_rank(text, num):
        return "rank"
    sentence_start = _boundary_before(text, num.start, _SENTENCE_END)
    if _nearest_word_before(text, sentence_start, num.start, _expectation_words()):
        return "expectation"
    unit_kind = _unit_kinds().get(num.unit or "", "")
    if unit_kind and unit_kind != "percent":
        return unit_kind
    return _context_kind(text, num) or "other"


def _is_date(text: str, num: _Numeral, upper: _Numeral | None) -> bool:
    unit = (upper or num).unit
    if unit in ("年", "年度") and 1900 <= num.value <= 2099 and num.value == int(num.value):
        return True
    if unit == "月" and 1 <= num.value <= 12 and text[max(0, num.start - 1) : num.start] != "个":
        return True
    return unit in ("日", "号") and 1 <= num.value <= 31


def _is_rank(text: str, num: _Numeral) -> bool:
    before = text[max(0, num.start - 1) : num.start]
    if before == "第":
        return True
    return before == "前" and (num.unit or "") in _RANK_UNITS


def _context_kind(text: str, num: _Numeral) -> str | None:
    """The kind of the nearest dimension word: close before the figure in its clause, or right after its unit."""
    clause_start = max(_boundary_before(text, num.start, _CLAUSE_END), num.start - 20)
    best = _nearest_word_before(text, clause_start, num.start, _context_words())
    if best is not None:
        return _context_words()[best]
    if num.unit in _DURATIONS:
        return None  # 近三年投入…: the words after a period describe what happened in it, not the period
    after = text[num.end : num.end + 6]
    for word, kind in _context_words().items():
        if after.startswith(word):
            return kind
    return None


def _comparative(text: str, start: int) -> str | None:
    """The comparison word shortly before the figure in its clause; 同比 + 增长 are reported together."""
    clause_start = max(_boundary_before(text, start, _CLAUSE_END), start - 12)
    word = _nearest_word_before(text, clause_start, start, _markers("comparative"))
    if word is None:
        return None
    word_start = text.rfind(word, clause_start, start)
    lead = _match_any_before(text, word_start, _markers("comparative"))
    return (lead or "") + word


def _nearest_word_before(text: str, lo: int, hi: int, words) -> str | None:
    """The listed word ending closest before ``hi`` within ``text[lo:hi]`` (longest on ties)."""
    window = text[lo:hi]
    best, best_end = None, -1
    for word in words:
        at = window.rfind(word)
        if at >= 0 and (at + len(word) > best_end or at + len(word) == best_end and len(word) > len(best or "")):
            best, best_end = word, at + len(word)
    return best


def _boundary_before(text: str, pos: int, stops: str) -> int:
    return max(text.rfind(ch, 0, pos) for ch in stops) + 1


# --- things that look like numbers but are not ------------------------------------------------------------------


def _is_list_marker(text: str, num: _Numeral) -> bool:
    """Section numbers and enumerators: 一、 1. 3.1 at the start of a line; （一） （1） anywhere; 第一， 第三章."""
    before = text[num.start - 1] if num.start else ""
    after = text[num.end_of_unit : num.end_of_unit + 1]
    if before == "第":
        at_clause_start = num.start < 2 or text[num.start - 2] in _SENTENCE_END + "，,：: \t"
        return at_clause_start and after in tuple(_ENUM_AFTER) or text.startswith(_STRUCTURAL, num.end_of_unit)
    if before in ("（", "(", "[", "［") and after in ("）", ")", "]", "］"):
        return not _is_year(num)  # （1） and [2] enumerate or cite; （2019） is a year
    if after in ("）", ")") and before and before in "：:；;。":
        return True  # 要求：1）必须…；2）…: an enumerator inside a sentence
    if _match_any_before(text, num.start, _REFERENCE_WORDS) and num.unit is None:
        return True  # 附录5, 问题3, 如图2: a label, not an amount
    line_start = text.rfind("\n", 0, num.start) + 1
    if text[line_start : num.start].strip() not in ("", "（", "("):
        return False
    if after in tuple(_LIST_MARK_AFTER):
        return not (after in ".．" and text[num.end_of_unit + 1 : num.end_of_unit + 2].isdigit())
    return num.unit is None and not num.chinese and after.isspace() and num.magnitude == 1  # "3.1 平台建设"


def _is_year(num: _Numeral) -> bool:
    return not num.chinese and num.value == int(num.value) and 1900 <= num.value <= 2099


def _glued_to_identifier(text: str, start: int) -> bool:
    """H5, MP4, COVID-19: digits right after Latin letters (or a letter and a hyphen) are part of a name."""
    prev = text[start - 1] if start else ""
    if prev in "-_" and start >= 2:
        prev = text[start - 2]
    return prev.isascii() and prev.isalpha()


def _letters_at(text: str, pos: int) -> bool:
    return pos < len(text) and text[pos].isascii() and text[pos].isalpha()


def _skip_excluded(start: int, excluded: list[tuple[int, int]]) -> int:
    for lo, hi in excluded:
        if lo <= start < hi:
            return hi
        if lo > start:
            break
    return start


def _excluded_spans(text: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in _not_quantities_re().finditer(text)]
    spans += [m.span() for pattern in (_DOCUMENT_NUMBER, _LINK, _VOLUME_PAGES) for m in pattern.finditer(text)]
    return sorted(spans)


@cache
def _not_quantities_re() -> re.Pattern[str]:
    words = sorted(read_words("not_quantities.txt"), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))


_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，％", "0123456789.,%")


def _half_width_digits(text: str) -> str:
    """Full-width digits read as digits; one character for one, so offsets stay valid."""
    return text.translate(_FULL_WIDTH)


# --- lexicons ---------------------------------------------------------------------------------------------------


@cache
def _markers(name: str) -> tuple[str, ...]:
    return tuple(sorted(read_toml("quantity_markers.toml")[name], key=len, reverse=True))


@cache
def _unit_kinds() -> dict[str, str]:
    return {word: group["kind"] for group in read_toml("units.toml")["units"] for word in group["words"]}


@cache
def _units_by_length() -> tuple[str, ...]:
    return tuple(sorted(_unit_kinds(), key=len, reverse=True))


def _unit_at(text: str, pos: int) -> str | None:
    unit = _match_any(text, pos, _units_by_length())
    if unit and unit.isascii() and _letters_at(text, pos + len(unit)):
        return None  # "5GB" is a unit, "5Gbit" is not one we know
    return unit


@cache
def _context_words() -> dict[str, str]:
    words = {}
    for dim in read_toml("dimensions.toml").values():
        if dim.get("kind") and dim["kind"] != "expectation":
            for word in dim["words"]:
                words.setdefault(word, dim["kind"])
    return words


@cache
def _expectation_words() -> tuple[str, ...]:
    return tuple(
        w for dim in read_toml("dimensions.toml").values() if dim.get("kind") == "expectation" for w in dim["words"]
    )


def _match_any(text: str, pos: int, words: tuple[str, ...]) -> str | None:
    return next((w for w in words if text.startswith(w, pos)), None)


def _match_any_before(text: str, pos: int, words: tuple[str, ...]) -> str | None:
    return next((w for w in words if pos >= len(w) and text.startswith(w, pos - len(w))), None)


def header_unit(header: str) -> tuple[int, str | None] | None:
    """The multiplier and unit a table header or label gives its figures: 金额（万元） → (10000, "元").

    JioNLP cannot read "发行总额（亿）10.00"; a figure in a column headed so is 1000000000, and one unit is applied
    by the quantities check to bare figures under such a header.
    """
    m = _HEADER_UNIT.search(header)
    if m is None or not (m["mult"] or m["unit"]):
        return None
    unit = m["unit"].strip() or None
    if unit is not None and unit not in _unit_kinds():
        return None
    return _CN_BIG.get(m["mult"] or "", 1), unit


def with_header_unit(q: Quantity, multiplier: int, unit: str | None) -> Quantity:
    """A bare figure re-read under its header's unit (see :func:`header_unit`)."""
    kind = q.kind if q.kind not in ("other",) else (_unit_kinds().get(unit or "", "") or "other")
    return replace(
        q, value=q.value * multiplier, unit=unit, kind=kind, upper=q.upper * multiplier if q.upper is not None else None
    )
