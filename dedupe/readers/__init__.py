"""Readers: find input files and turn them into documents."""
