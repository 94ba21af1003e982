"""Duplicate detection: exact keys, MinHash signatures, an LSH band index and the decisions."""
