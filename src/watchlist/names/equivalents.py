"""Given names that are one name in several languages.

The same person is VLADIMIR on a Russian-based listing, VOLODYMYR on a Ukrainian one
and ULADZIMIR on a Belarusian one; transliteration cannot bridge these (they are
different words), so a small table of the common East Slavic given names does (and of
Basque and Spanish ones: MIKEL is MIGUEL). Each
group is matched through the phonetic keys of its spellings.
"""

from __future__ import annotations

from functools import lru_cache

from watchlist.names.keys import phonetic_key

GROUPS: tuple[tuple[str, ...], ...] = (
    ("vladimir", "volodymyr", "volodimir", "uladzimir", "uladimir", "wladimir"),
    ("nikolai", "nikolay", "mykola", "mikola", "mikalai", "mikalay", "nicolai"),
    ("aleksei", "alexei", "alexey", "aleksey", "oleksii", "oleksiy", "aliaksei", "aliaksey", "alyaksei"),
    ("aleksandr", "alexander", "alexandr", "oleksandr", "aliaksandr", "alyaksandr", "aleksander"),
    ("yevgeniy", "evgeny", "evgeniy", "yevhen", "yevhenii", "yauhen", "yauheni", "ievgen", "eugene"),
    ("yuri", "yuriy", "yurii", "iurii", "iury", "yury", "jurij"),
    ("ekaterina", "yekaterina", "kateryna", "katsiaryna", "katerina"),
    ("sergei", "sergey", "serhii", "serhiy", "siarhei", "siarhey", "sergiy"),
    ("andrei", "andrey", "andrii", "andriy", "andrej"),
    ("dmitry", "dmitri", "dmitriy", "dmytro", "dzmitry", "dzmitryi"),
    ("mikhail", "mykhailo", "mykhaylo", "mikhal", "mikhas"),
    ("grigory", "grigoriy", "hryhoriy", "hryhorii", "ryhor", "hryhory"),
    ("georgy", "georgiy", "heorhiy", "heorhii", "yahor", "egor", "yegor"),
    ("pyotr", "petr", "petro", "piotr", "pyatro"),
    ("pavel", "pavlo", "paval", "paul"),
    ("oleg", "oleh", "aleh"),
    ("igor", "ihor", "ihar"),
    ("anatoly", "anatoliy", "anatolii", "anatol", "anatoli"),
    ("vasily", "vasiliy", "vasyl", "vasil", "vasili"),
    ("konstantin", "kostiantyn", "kostyantyn", "kanstantsin"),
    ("leonid", "leanid"),
    ("natalia", "natalya", "nataliya", "natallia", "natalja"),
    ("olga", "olha", "volha"),
    ("elena", "yelena", "olena", "alena", "alyona", "helena"),
    ("tatiana", "tatyana", "tetiana", "tetyana", "tatsiana", "tatsyana"),
    ("irina", "iryna"),
    ("svetlana", "svitlana", "sviatlana", "sviatlana"),
    ("anna", "hanna", "ganna"),
    ("stepan", "stsiapan"),
    ("vyacheslav", "viacheslav", "viachaslau", "vyachaslau"),
    ("valery", "valeriy", "valerii", "valeri", "valer"),
    ("gennady", "gennadiy", "hennadiy", "hennadii", "henadz"),
    ("boris", "borys", "barys"),
    ("maxim", "maksim", "maksym", "maxym"),
    ("fyodor", "fedor", "fedir", "fiodar", "feodor"),
    ("semyon", "semen", "semion", "siamion"),
    ("arkady", "arkadiy", "arkadii", "arkadz"),
    ("yaroslav", "iaroslav", "jaroslav"),
    ("vitaly", "vitaliy", "vitalii", "vital"),
    ("viktor", "victor", "wiktor"),
    ("ivan", "ivan", "iwan"),
    ("mikhailovich", "mykhailovych"),
    # Basque and Spanish forms of one given name (the EU and UK list ETA members under both)
    ("miguel", "mikel"),
    ("jose", "joseba"),
    ("ignacio", "inaki"),
    ("javier", "xabier", "xavier"),
)


@lru_cache(maxsize=1)
def _by_key() -> dict[str, str]:
    out: dict[str, str] = {}
    for group in GROUPS:
        label = group[0]
        for name in group:
            out.setdefault(phonetic_key(name), label)
    return out


@lru_cache(maxsize=1)
def _spellings() -> frozenset[str]:
    return frozenset(name for group in GROUPS for name in group)


def name_group(key: str, token: str | None = None) -> str | None:
    """The group a token's phonetic key belongs to, if it is one of these given names.

    A key of three letters is shared with other names (OLEH's ULA is ULLAH's, ALEH's
    ALA is ALLAH's): given the token, such a key counts only for a spelling in the table.
    """
    label = _by_key().get(key)
    if label is not None and len(key) < 4 and token is not None and token not in _spellings():
        return None
    return label
