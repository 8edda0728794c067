"""The small Streamlit layer: cached loaders (loaders.py) and shared widgets (widgets.py)."""
