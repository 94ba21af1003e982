"""Writers: Parquet parts of the corpus tables, written atomically."""
