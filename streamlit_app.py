"""Anime Colorizer Studio: the Streamlit entry point (multipage navigation)."""
import streamlit as st

from pages.parts.icon import palette_icon

# A drawn favicon: a :material/...: page icon makes the browser fetch its picture from Google's servers.
st.set_page_config(page_title="Anime Colorizer Studio", page_icon=palette_icon(), layout="wide")

navigation = st.navigation([
    st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("pages/sketch.py", title="Sketch", icon=":material/edit:"),
    st.Page("pages/colorize.py", title="Colorize", icon=":material/brush:"),
    st.Page("pages/batch.py", title="Batch", icon=":material/collections:"),
    st.Page("pages/model.py", title="Model", icon=":material/model_training:"),
])
navigation.run()
