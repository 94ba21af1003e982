"""Cleaning: label every block content, title, chrome or padding, with the rule that decided.

>>> from dedupe.clean import clean_document, clean_documents, line_key
"""

from dedupe.clean.cleaner import clean_document, clean_documents, clear_caches
from dedupe.clean.site import chrome_lines, line_key

__all__ = ["chrome_lines", "clean_document", "clean_documents", "clear_caches", "line_key"]
