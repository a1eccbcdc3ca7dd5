"""Data: built-in datasets, CSV loading, target transforms, windowing, splits and scaling."""
