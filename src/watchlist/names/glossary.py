"""Russian organisation names in English words, as the Western lists write them.

The lists give a Russian company its English name (ROSATOM ADDITIVE TECHNOLOGIES, CREDIT
BANK OF MOSCOW, RUSSIAN DIRECT INVESTMENT FUND); a bank's customer file, a payment or a
registry extract gives it in Russian. Transliteration alone turns МОСКОВСКИЙ КРЕДИТНЫЙ
БАНК into MOSKOVSKIY KREDITNYY BANK, which shares one word with the listed name. The
words such names are made of are few: this glossary renders them (by stem, so every
case ending is covered) and drops the legal forms, which the lists write in English and
the matcher ignores anyway. Words it does not know are transliterated as usual.
"""

from __future__ import annotations

import re

# Legal forms: abbreviations and full phrases (Russian, Kazakh-Russian, Belarusian).
_LEGAL_ABBREVIATIONS = frozenset(
    "ооо оао зао пао ао акб тоо аат таа зат ип уп гуп фгуп муп нао".split()
)
_LEGAL_PHRASES = re.compile(
    r"\b(?:общество|товарищество) с ограниченной ответственностью\b"
    r"|\b(?:открытое|закрытое|публичное|непубличное)?\s*акционерное общество\b"
    r"|\bакционерн\w*\b",
)

# stem -> English; a word takes the longest stem it starts with, if what is left is no
# longer than a case ending (so НОВ- does not swallow НОВОСИБИРСК).
_STEMS: dict[str, str] = {
    "авиакомпани": "airlines",
    "автомобильн": "automobile",
    "агентств": "agency",
    "администраци": "administration",
    "академи": "academy",
    "арктическ": "arctic",
    "атомн": "atomic",
    "банк": "bank",
    "беспилотн": "unmanned",
    "безопасност": "security",
    "биологическ": "biological",
    "бюджетн": "budgetary",
    "бюро": "bureau",
    "военн": "military",
    "восточн": "eastern",
    "государственн": "state",
    "групп": "group",
    "депозитари": "depository",
    "защит": "protection",
    "завод": "plant",
    "избирательн": "electoral",
    "инвестици": "investment",
    "инжиниринг": "engineering",
    "инновационн": "innovation",
    "институт": "institute",
    "исследовательск": "research",
    "исследовани": "research",
    "коммерческ": "commercial",
    "комисси": "commission",
    "компани": "company",
    "конструкторск": "design",
    "корпораци": "corporation",
    "кредитн": "credit",
    "кредит": "credit",
    "лаборатори": "laboratory",
    "международн": "international",
    "металлурги": "metallurgy",
    "металлургическ": "metallurgical",
    "механическ": "mechanical",
    "министерств": "ministry",
    "морск": "marine",
    "москв": "moscow",
    "московск": "moscow",
    "научн": "scientific",
    "национальн": "national",
    "нов": "new",
    "обозрени": "review",
    "оборон": "defence",
    "объединени": "association",
    "объединенн": "united",
    "перестраховочн": "reinsurance",
    "предприяти": "enterprise",
    "президент": "president",
    "производственн": "production",
    "промышленн": "industrial",
    "прям": "direct",
    "радиационн": "radiation",
    "развити": "development",
    "расчетн": "settlements",
    "реактор": "reactor",
    "реконструкци": "reconstruction",
    "республик": "republic",
    "российск": "russian",
    "росси": "russia",
    "систем": "systems",
    "служб": "service",
    "современн": "modern",
    "специальн": "special",
    "страховани": "insurance",
    "судостроительн": "shipbuilding",
    "технологическ": "technological",
    "технологи": "technologies",
    "торгов": "trading",
    "транспорт": "transport",
    "университет": "university",
    "финансов": "financial",
    "фонд": "fund",
    "федеральн": "federal",
    "федераци": "federation",
    "химическ": "chemical",
    "холдинг": "holding",
    "центр": "centre",
    "центральн": "central",
    "частн": "private",
    "экспортн": "export",
    "энергетическ": "energy",
}
_MAX_ENDING = 4
_WORD = re.compile(r"[а-яё]+", re.IGNORECASE)


def _english(word: str) -> str | None:
    for end in range(len(word), 1, -1):
        english = _STEMS.get(word[:end])
        if english is not None:
            return english if len(word) - end <= _MAX_ENDING else None
    return None


def english_org_name(name: str) -> str | None:
    """The name with the Russian words this glossary knows in English and the legal
    forms left out; None when it knows none of them."""
    # НАУЧНО-ИССЛЕДОВАТЕЛЬСКИЙ is one word in English: RESEARCH
    text = name.lower().replace("ё", "е").replace("научно-исследовательск", "исследовательск")
    known = _LEGAL_PHRASES.search(text) is not None
    text = _LEGAL_PHRASES.sub(" ", text)

    def word(m: re.Match[str]) -> str:
        nonlocal known
        w = m.group(0)
        if w in _LEGAL_ABBREVIATIONS:
            known = True
            return " "
        english = _english(w)
        if english is None:
            return w
        known = True
        return english

    out = _WORD.sub(word, text)
    out = " ".join(out.split())
    return out if known and out else None
