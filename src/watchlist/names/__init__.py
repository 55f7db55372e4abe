"""Name analysis: script detection, transliteration, tokens and phonetic keys. Pure."""

from watchlist.names.analyze import NameForm, analyze_name, analyze_query

__all__ = ["NameForm", "analyze_name", "analyze_query"]
