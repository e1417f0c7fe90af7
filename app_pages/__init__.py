"""The Streamlit dashboard's pages (one module per page) and their shared helpers (modules starting with `_`)."""
