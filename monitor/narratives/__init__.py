"""Watched disinformation narratives: query language, matching and stance.

    watchlist = load_watchlist()
    flags = watchlist.match(article.text, "uk", title=article.title)

See docs/narratives.md for the query language and config/narratives.yaml for the data.
"""

from monitor.narratives.flags import Evidence, Flag
from monitor.narratives.query import QuerySyntaxError, parse_query, prune, render
from monitor.narratives.watchlist import Narrative, Watchlist, WatchlistError, load_watchlist

__all__ = [
    "Evidence",
    "Flag",
    "Narrative",
    "QuerySyntaxError",
    "Watchlist",
    "WatchlistError",
    "load_watchlist",
    "parse_query",
    "prune",
    "render",
]
