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
    "авиационн": "aviation",
    "автомобильн": "automobile",
    "агентств": "agency",
    "администраци": "administration",
    "академи": "academy",
    "арктическ": "arctic",
    "атомн": "atomic",
    "банк": "bank",
    "безопасност": "security",
    "беспилотн": "unmanned",
    "биологическ": "biological",
    "бригад": "brigade",
    "бюджетн": "budgetary",
    "бюро": "bureau",
    "вертолет": "helicopters",
    "верф": "shipyard",
    "военн": "military",
    "возможност": "opportunities",
    "войск": "troops",
    "восточн": "eastern",
    "всероссийск": "all-russian",
    "государственн": "state",
    "групп": "group",
    "двигател": "engine",
    "движени": "movement",
    "депозитари": "depository",
    "завод": "plant",
    "защит": "defence",
    "избирательн": "election",
    "инвестици": "investment",
    "индустриальн": "industrial",
    "инжиниринг": "engineering",
    "инновационн": "innovation",
    "институт": "institute",
    "исследовани": "research",
    "исследовательск": "research",
    "казенн": "state",
    "комисси": "commission",
    "коммерческ": "commercial",
    "компани": "company",
    "конструкторск": "design",
    "концерн": "concern",
    "корпораци": "corporation",
    "космическ": "space",
    "кредит": "credit",
    "кредитн": "credit",
    "крым": "crimea",
    "кузнечн": "forge",
    "лаборатори": "laboratory",
    "машиностроени": "machine building",
    "машиностроительн": "machine building",
    "международн": "international",
    "металлурги": "metallurgy",
    "металлургическ": "metallurgical",
    "механическ": "mechanical",
    "министерств": "ministry",
    "морск": "marine",
    "москв": "moscow",
    "московск": "moscow",
    "мотор": "motor",
    "научн": "scientific",
    "национальн": "national",
    "нов": "new",
    "обозрени": "review",
    "оборон": "defence",
    "обществ": "society",
    "общественн": "public",
    "объединени": "association",
    "объединенн": "united",
    "оптическ": "optical",
    "организаци": "organization",
    "орден": "order",
    "пароходств": "shipping company",
    "перестраховочн": "reinsurance",
    "платформ": "platform",
    "порохов": "powder",
    "предприяти": "enterprise",
    "президент": "president",
    "прессов": "press",
    "продукт": "products",
    "производственн": "production",
    "промышленн": "industrial",
    "прям": "direct",
    "радиационн": "radiation",
    "радиоэлектронн": "radio electronic",
    "развити": "development",
    "расчетн": "settlements",
    "реактор": "reactor",
    "реконструкци": "reconstruction",
    "ремонтн": "repair",
    "республик": "republic",
    "росси": "russia",
    "российск": "russian",
    "русск": "russian",
    "санатори": "sanatorium",
    "сберегательн": "savings",
    "систем": "systems",
    "служб": "service",
    "современн": "modern",
    "союз": "union",
    "специальн": "special",
    "страховани": "insurance",
    "строительн": "construction",
    "структур": "structure",
    "судоремонт": "ship repair",
    "судостроительн": "shipbuilding",
    "техническ": "technical",
    "технологи": "technologies",
    "технологическ": "technological",
    "торгов": "trading",
    "точн": "precise",
    "тракторн": "tractor",
    "транспорт": "transport",
    "университет": "university",
    "унитарн": "unitary",
    "федеральн": "federal",
    "федераци": "federation",
    "финансов": "financial",
    "флот": "fleet",
    "фонд": "fund",
    "хаб": "hub",
    "химическ": "chemical",
    "холдинг": "holding",
    "центр": "centre",
    "центральн": "central",
    "частн": "private",
    "черноморск": "black sea",
    "экспортн": "export",
    "электромеханик": "electromechanics",
    "электромеханическ": "electromechanical",
    "электронн": "electronic",
    "энергетическ": "energy",
    "энерги": "energy",
    "энерготехник": "power engineering",
}
_MAX_ENDING = 4
_WORD = re.compile(r"[а-яё]+", re.IGNORECASE)
# A place as an adjective (ТАМБОВСКИЙ, ЧЕЛЯБИНСКОГО, ИЖЕВСКИЕ): the lists name the place
# (TAMBOV, CHELYABINSK, IZHEVSK). Without the case ending the word is the town's name, or
# that name with -SK, which the scorer finds as alike as a spelling variant.
_PLACE_ADJECTIVE = re.compile(r"(\w{3,}ск)(?:ий|ая|ое|ие|ого|ой|ому|им|их|ую|ых|ыми|ими)")


# "Named after" (ИНСТИТУТ ИМЕНИ А. П. АЛЕКСАНДРОВА, ЗАВОД ИМЕНИ ХРУНИЧЕВА): the person's
# name follows in the genitive, and the lists give it as it is (ALEKSANDROV, KHRUNICHEV).
_NAMED_AFTER = re.compile(r"\bимени\s+((?:[а-я]\.\s*)*)([а-я]+)")
_GENITIVE = (("ова", "ов"), ("ева", "ев"), ("ина", "ин"), ("ына", "ын"), ("ого", "ий"), ("ля", "ль"))


_ORDERS = (
    ("ордена трудового красного знамени", "order of the red banner of labour"),
    ("ордена красного знамени", "order of the red banner"),
    ("ордена октябрьской революции", "order of the october revolution"),
    ("ордена ленина", "order of lenin"),
)


def _nominative(m: re.Match[str]) -> str:
    surname = m.group(2)
    for ending, nominative in _GENITIVE:
        if surname.endswith(ending):
            return m.group(1) + surname[: -len(ending)] + nominative
    return m.group(1) + surname


def _english(word: str) -> str | None:
    for end in range(len(word), 1, -1):
        english = _STEMS.get(word[:end])
        if english is not None:
            return english if len(word) - end <= _MAX_ENDING else None
    return None


def english_org_name(name: str) -> str | None:
    """The name with the Russian words this glossary knows in English and the legal
    forms left out; None when it knows none of them."""
    # НАУЧНО-ИССЛЕДОВАТЕЛЬСКИЙ is one word in English: RESEARCH; НАУЧНО-ПРОИЗВОДСТВЕННЫЙ
    # the lists mostly give as RESEARCH AND PRODUCTION (URALVAGONZAVOD), seldom SCIENTIFIC
    text = name.lower().replace("ё", "е").replace("научно-исследовательск", "исследовательск")
    text = text.replace("научно-производственн", "исследовательск производственн")
    if "ордена" in text:  # Soviet orders an institution was awarded, part of its name
        for order, english in _ORDERS:
            text = text.replace(order, english)
    if "имени" in text:
        text = _NAMED_AFTER.sub(_nominative, text)
    known = _LEGAL_PHRASES.search(text) is not None
    text = _LEGAL_PHRASES.sub(" ", text)

    def word(m: re.Match[str]) -> str:
        nonlocal known
        w = m.group(0)
        if w in _LEGAL_ABBREVIATIONS:
            known = True
            return " "
        if w == "и":
            return "and"
        english = _english(w)
        if english is None:
            place = _PLACE_ADJECTIVE.fullmatch(w)
            if place is None:
                return w
            # the town, where a soft sign marks the adjective's -СК as no part of it
            # (УРАЛЬСКИЙ is URAL's; ЧЕЛЯБИНСКИЙ is CHELYABINSK's)
            town = place.group(1)
            return town[:-3] if town.endswith("ьск") else town
        known = True
        return english

    out = _WORD.sub(word, text)
    out = " ".join(out.split())
    return out if known and out else None
