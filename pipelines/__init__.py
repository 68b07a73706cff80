"""Scrapy item pipelines: thin adapters around the monitor's stage functions.

Order (see monitor.settings.ITEM_PIPELINES): extraction -> language -> dedup -> narratives -> storage.
"""
