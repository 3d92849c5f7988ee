"""Anime Colorizer Studio: the Streamlit entry point (multipage navigation)."""
import streamlit as st

st.set_page_config(page_title="Anime Colorizer Studio", page_icon="🎨", layout="wide")

navigation = st.navigation([
    st.Page("pages/home.py", title="Home", icon="🏠", default=True),
    st.Page("pages/sketch.py", title="Sketch", icon="✏️"),
    st.Page("pages/colorize.py", title="Colorize", icon="🖌️"),
    st.Page("pages/model.py", title="Model", icon="🧠"),
])
navigation.run()
