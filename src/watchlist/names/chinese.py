"""Chinese company names as the Western lists write them: the place and the trade name in
pinyin, the rest in English.

The lists write 宁波欧腾机械有限公司 as NINGBO OUTENG MACHINERY CO., LTD; a customer file
or an invoice gives it in characters. Read syllable by syllable it is NING BO OU TENG JI
XIE YOU XIAN GONG SI, which shares no word with the listed name. The words such names
are made of are few (machinery, technology, trading, electronics, Hong Kong): this
glossary renders them, drops the legal forms (which the matcher ignores anyway) and
writes the rest, the place and the trade name, in pinyin two syllables to a word, as the
lists do (NINGBO, OUTENG). Simplified and traditional characters both.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import icu

# Legal forms, longest first where one holds another.
_LEGAL = (
    "股份有限公司",
    "有限责任公司",
    "有限責任公司",
    "有限公司",
    "股份公司",
    "公司",
    "分公司",
    "有限",
)

_WORDS: dict[str, str] = {
    # cities whose characters read otherwise one by one (都 DOU, 重 ZHONG, 厦 SHA, 长 ZHANG)
    "成都": "chengdu",
    "重庆": "chongqing",
    "重慶": "chongqing",
    "厦门": "xiamen",
    "廈門": "xiamen",
    "长沙": "changsha",
    "長沙": "changsha",
    "长春": "changchun",
    "長春": "changchun",
    "香港": "hong kong",
    "澳门": "macau",
    "澳門": "macau",
    "中国": "china",
    "中國": "china",
    "国际": "international",
    "國際": "international",
    "集团": "group",
    "集團": "group",
    "控股": "holdings",
    "贸易": "trading",
    "貿易": "trading",
    "商贸": "trading",
    "商貿": "trading",
    "进出口": "import export",
    "進出口": "import export",
    "科技": "technology",
    "技术": "technology",
    "技術": "technology",
    "电子": "electronics",
    "電子": "electronics",
    "机械": "machinery",
    "機械": "machinery",
    "机器": "machinery",
    "機器": "machinery",
    "机床": "machine tool",
    "機床": "machine tool",
    "设备": "equipment",
    "設備": "equipment",
    "动力": "power",
    "動力": "power",
    "船务": "shipping",
    "船務": "shipping",
    "航运": "shipping",
    "航運": "shipping",
    "海运": "shipping",
    "海運": "shipping",
    "物流": "logistics",
    "航空": "aviation",
    "工业": "industrial",
    "工業": "industrial",
    "实业": "industrial",
    "實業": "industrial",
    "能源": "energy",
    "石油": "petroleum",
    "化工": "chemical",
    "发展": "development",
    "發展": "development",
    "投资": "investment",
    "投資": "investment",
    "制造": "manufacturing",
    "製造": "manufacturing",
    "材料": "materials",
    "光电": "optoelectronics",
    "光電": "optoelectronics",
    "半导体": "semiconductor",
    "半導體": "semiconductor",
    "通信": "communication",
    "通讯": "communication",
    "通訊": "communication",
    "网络": "network",
    "網絡": "network",
    "软件": "software",
    "軟件": "software",
    "信息": "information",
    "仪器": "instrument",
    "儀器": "instrument",
    "精密": "precision",
    "研究所": "research institute",
    "研究院": "research institute",
    "大学": "university",
    "大學": "university",
    "银行": "bank",
    "銀行": "bank",
    "工程": "engineering",
    "建设": "construction",
    "建設": "construction",
    "数控": "cnc",
    "数字": "digital",
    "數字": "digital",
    "數控": "cnc",
    "船舶": "shipbuilding",
    "电气": "electric",
    "電氣": "electric",
    "器材": "equipment",
    "零部件": "components",
    "系统": "systems",
    "系統": "systems",
}
_LONGEST = max(len(w) for w in (*_WORDS, *_LEGAL))
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=1)
def _pinyin() -> Any:
    return icu.Transliterator.createInstance("Han-Latin; Latin-ASCII")  # place readings (CHENGDU), not surnames


def _syllable(ch: str) -> str:
    return str(_pinyin().transliterate(ch)).strip()


def _pairs(run: list[str]) -> list[str]:
    """Syllables two to a word (NINGBO OUTENG), three where one is left over (XIAORUIZHI)."""
    words = ["".join(run[k : k + 2]) for k in range(0, len(run) - len(run) % 2, 2)]
    if len(run) % 2:
        if words:
            words[-1] += run[-1]
        else:
            words.append(run[-1])
    return words


def english_org_name(name: str) -> str | None:
    """The company name in the lists' words; None when it holds none the glossary knows
    (a person's name, or a word of no company)."""
    out: list[str] = []
    run: list[str] = []  # pinyin of the characters since the last known word
    other: list[str] = []  # what is no Chinese character (Latin letters, digits, brackets)

    def flush() -> None:
        out.extend(_pairs(run))
        out.append("".join(other))
        run.clear()
        other.clear()

    known = False
    k = 0
    while k < len(name):
        for size in range(min(_LONGEST, len(name) - k), 1, -1):
            piece = name[k : k + size]
            if piece in _LEGAL or piece in _WORDS:
                flush()
                out.append(_WORDS.get(piece, ""))
                known = True
                k += size
                break
        else:
            ch = name[k]
            if _HAN.match(ch):
                if other:
                    flush()
                syl = _syllable(ch)
                if syl.isalpha():
                    run.append(syl)
            else:
                if run:
                    flush()
                other.append(ch)
            k += 1
    flush()
    text = " ".join(" ".join(out).split())
    return text if known and text else None
