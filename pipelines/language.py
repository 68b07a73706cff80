"""Language of the article body, via monitor.language."""

from __future__ import annotations

from monitor.items import ArticleItem
from monitor.language import detect_language


class LanguagePipeline:
    def process_item(self, item: ArticleItem) -> ArticleItem:
        item.language = detect_language(item.extracted.text)
        return item
