"""Anime Colorizer Studio: the Streamlit entry point (multipage navigation)."""
import streamlit as st

st.set_page_config(page_title="Anime Colorizer Studio", page_icon=":material/palette:", layout="wide")

navigation = st.navigation([
    st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("pages/sketch.py", title="Sketch", icon=":material/edit:"),
    st.Page("pages/colorize.py", title="Colorize", icon=":material/brush:"),
    st.Page("pages/batch.py", title="Batch", icon=":material/collections:"),
    st.Page("pages/model.py", title="Model", icon=":material/model_training:"),
])
navigation.run()
