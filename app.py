"""Adoption analytics app (placeholder router until the pages land)."""

import streamlit as st

st.set_page_config(page_title="Adoption analytics", layout="wide")
st.title("Adoption analytics")
st.write("The pages are being built.")
