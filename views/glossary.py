"""Glossary: every word the views use, defined once, with the settings in force filled in."""

from __future__ import annotations

import streamlit as st

from analytics.ui.definitions import GLOSSARY
from analytics.ui.pagedata import open_view

st.title("Glossary")
data = open_view("glossary", needs_data=False)
settings = data.settings
values = {
    "dormant": settings.quote("dormant_days"),
    "ratio": settings.quote("at_risk_ratio"),
    "min_group": str(settings.min_group_size),
    "ratio_target": str(settings.max_people_per_champion),
}
st.caption("One word, one meaning, on every page. docs/metrics.md has the exact definitions.")
for term, definition in GLOSSARY.items():
    st.markdown(f"**{term.format(**values)}**")
    st.text(definition.format(**values))
