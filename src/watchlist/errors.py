"""The project's own errors. Every refusal names where and why."""

from __future__ import annotations


class WatchlistError(Exception):
    """Base class: anything the user can act on."""


class ListFormatError(WatchlistError):
    """A list file cannot be read: malformed, truncated, empty or of the wrong format."""

    def __init__(
        self,
        file: str,
        reason: str,
        *,
        line: int | None = None,
        element: str | None = None,
    ) -> None:
        self.file = file
        self.reason = reason
        self.line = line
        self.element = element
        where = file
        if line is not None:
            where += f" line {line}"
        if element:
            where += f" ({element})"
        super().__init__(f"{where}: {reason}")


class ImplausibleListError(WatchlistError):
    """A list parsed but looks wrong against the version already loaded (e.g. far fewer entries)."""


class DownloadError(WatchlistError):
    """An official list could not be fetched."""


class NotFoundError(WatchlistError):
    """An entity, source or version the user named does not exist."""


class InputError(WatchlistError):
    """A query, customer file or request field is unusable."""
