"""Self-contained HTML reports (Jinja2, autoescaped; figures embedded as PNG data URIs)."""
