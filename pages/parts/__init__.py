"""Helpers shared by the pages (a subfolder, so Streamlit never lists them as pages)."""
