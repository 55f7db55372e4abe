"""Arabic and Persian organisation names in the English words the lists use.

The lists give an Arabic or Iranian organisation its English name (MINISTRY OF DEFENSE
AND ARMED FORCES LOGISTICS, LIBYAN ISLAMIC FIGHTING GROUP, ALKHALEEJ BANK CO LTD); a
payment or a registry extract gives it in Arabic script, where transliteration yields
VZARAT DFAʿ or SHRKH BNK ALKHLYJ ALMHDWDH. The words such names are made of are few:
this glossary renders them and leaves every other word (the proper names) to be
transliterated. Words are compared without the article, short vowels and the letter
variants Arabic and Persian write differently (ي/ی, ك/ک, ة/ه, أ/إ/آ/ا).
"""

from __future__ import annotations

import re

_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ی": "ي",
        "ک": "ك",
        "ة": "ه",
        "ؤ": "و",
        "ئ": "ي",
        "\u0640": None,  # tatweel
    }
)
_MARKS = re.compile("[\u064b-\u065f\u0670]")  # short vowels, shadda, sukun

# folded word (without the article) -> English; "" drops the word (a legal form)
_WORDS: dict[str, str] = {
    # legal forms
    "شركه": "",
    "شركت": "",
    "محدوده": "",
    "مسووليه": "",
    "ذات": "",
    "مساهمه": "",
    "سهامي": "",
    "خاص": "",
    "عام": "",
    # kinds of organisation
    "موسسه": "establishment",
    "مجموعه": "group",
    "گروه": "group",
    "جماعه": "group",
    "بنك": "bank",
    "بانك": "bank",
    "مصرف": "bank",
    "وزاره": "ministry",
    "وزارت": "ministry",
    "اداره": "directorate",
    "سازمان": "organization",
    "منظمه": "organization",
    "حركه": "movement",
    "جبهه": "front",
    "جيش": "army",
    "بنياد": "foundation",
    "مركز": "centre",
    "دانشگاه": "university",
    "جامعه": "university",
    # what they do
    "تجاريه": "trading",
    "تجاري": "trading",
    "تجاره": "trading",
    "بازرگاني": "trading",
    "صناعات": "industries",
    "صنايع": "industries",
    "صناعيه": "industrial",
    "صنعتي": "industrial",
    "نفط": "oil",
    "نفت": "oil",
    "كشتيراني": "shipping",
    "ملاحه": "shipping",
    "دفاع": "defence",
    "مخابرات": "intelligence",
    "استخبارات": "intelligence",
    "امنيت": "security",
    "امن": "security",
    "پشتيباني": "logistics",
    "نيروهاي": "forces",
    "مسلح": "armed",
    "جغرافيايي": "geographical",
    "هوافضا": "aerospace",
    "الكترونيك": "electronics",
    "مهندسي": "engineering",
    "هندسيه": "engineering",
    "سرمايه": "investment",
    "استثمار": "investment",
    "توسعه": "development",
    "تنميه": "development",
    # qualities and places
    "دوليه": "international",
    "بينالمللي": "international",
    "دولي": "international",
    "عامه": "general",
    "وطنيه": "national",
    "ملي": "national",
    "اسلاميه": "islamic",
    "اسلامي": "islamic",
    "جمهوري": "republic",
    "جمهوريه": "republic",
    "ايران": "iran",
    "سوريه": "syrian",
    "ليبيه": "libyan",
    "مغربيه": "moroccan",
    "عراقي": "iraqi",
    "مقاتله": "fighting",
}
_WORD = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]+")


def _fold(word: str) -> str:
    return _MARKS.sub("", word).translate(_FOLD)


def _english(word: str) -> str | None:
    w = _fold(word)
    if w == "و":
        return "and"
    for stem in (w, w[2:] if w.startswith("ال") else None, w[1:] if w[:1] == "و" else None):
        if stem and len(stem) >= 2 and stem in _WORDS:
            return _WORDS[stem]
    if w.startswith("وال") and w[3:] in _WORDS:  # and the ... (والجهاد)
        return _WORDS[w[3:]]
    if w.startswith("لل") and w[2:] in _WORDS:  # for the ... (للتجارة)
        return _WORDS[w[2:]]
    return None


def english_org_name(name: str) -> str | None:
    """The name with the words this glossary knows in English and the legal forms left
    out; None when it knows none of them."""
    known = False

    def word(m: re.Match[str]) -> str:
        nonlocal known
        english = _english(m.group(0))
        if english is None:
            return m.group(0)
        known = True
        return english or " "

    # Persian writes INTERNATIONAL in two parts joined by a zero-width non-joiner
    out = " ".join(_WORD.sub(word, name.replace("بین\u200cالمللی", "بینالمللی")).split())
    return out if known and out else None
