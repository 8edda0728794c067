"""A tiny Streamlit app that proves the sign-in mechanics of tests/e2e/oidc.py (not the product).

Signed out: a "Sign in" button (st.login). Signed in: the e-mail claim and a "Sign out" button.
"""

import streamlit as st

if not st.user.is_logged_in:
    st.title("Signed out")
    st.button("Sign in", on_click=st.login)
else:
    st.title("Signed in")
    st.markdown(f"email: `{st.user.email}`")
    st.button("Sign out", on_click=st.logout)
