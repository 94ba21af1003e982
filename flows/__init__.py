"""Prefect flows over the dedupe library: orchestration only."""
