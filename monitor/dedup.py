"""Recognising the same article: canonical URLs and body fingerprints."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

# Parameters that identify a campaign or a click, never an article.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "yclid", "msclkid", "igshid", "mc_cid", "mc_eid",
        "_ga", "_gl", "ref", "ref_src", "ref_url", "from", "source", "amp", "output",
        "utm_referrer", "at_medium", "at_campaign", "ito", "share", "spm",
    }
)
TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_", "hmsr", "_hs")
# Mobile and AMP editions that serve the same article as the main host.
MOBILE_HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.")
AMP_PATH = re.compile(r"(?:/amp/?$)|(?:/amp(?=/))|(?:\.amp(?=\.html?$))", re.IGNORECASE)
WORD = re.compile(r"\w+", re.UNICODE)


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def _host(hostname: str) -> str:
    host = hostname.lower().rstrip(".")
    changed = True
    while changed:
        changed = False
        for prefix in MOBILE_HOST_PREFIXES:
            # Keep at least "name.tld": "m.kz" is a domain, not a mobile prefix.
            if host.startswith(prefix) and host.count(".") >= 2:
                host = host[len(prefix):]
                changed = True
    return host


def canonical_url(url: str) -> str:
    """One spelling per article: http(s) unified, `www.`/mobile/AMP variants, tracking
    parameters, fragments, default ports and a trailing slash removed, query sorted."""
    parts = urlsplit(url.strip())
    host = _host(parts.hostname or "")
    port = parts.port
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    # Re-quote so that "%D0%BD" and "н" spell the same path.
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~")
    path = AMP_PATH.sub("", path) or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    )
    return urlunsplit(("https", netloc, path, urlencode(query), ""))


def normalized_words(text: str) -> list[str]:
    """Lower-cased word tokens: the part of a body that survives re-formatting."""
    return WORD.findall(text.lower().replace("ё", "е"))


def content_hash(text: str) -> str:
    """SHA-256 over the body's words, so whitespace and punctuation changes do not matter."""
    return hashlib.sha256(" ".join(normalized_words(text)).encode("utf-8")).hexdigest()
