"""Training data and the commands that retrain the cleaner's models."""
