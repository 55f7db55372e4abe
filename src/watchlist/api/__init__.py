"""The screening service: an HTTP API over the same core the command line uses."""

from watchlist.api.app import create_app

__all__ = ["create_app"]
