"""Deterministic synthetic Fuzhou (gas cylinders, households, food batches) and its loaders."""
