"""Screening use cases: one name, a batch of customers, (later) payments and monitoring."""

from watchlist.screen.query import Filters, Query
from watchlist.screen.screener import Hit, ScreenResult, screen

__all__ = ["Filters", "Hit", "Query", "ScreenResult", "screen"]
