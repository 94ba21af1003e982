"""Peer deduplication tools run beside ours, each in its own environment, for benchmark comparisons."""
