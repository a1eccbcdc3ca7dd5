"""Side-by-side measurements (not tests): each module prints a table."""
