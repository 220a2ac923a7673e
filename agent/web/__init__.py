"""The Gradio app: a CQE's workbench and a practitioner's window (issue 7).

`app.py` holds the module-level `demo` (the Blocks) and `create_app` (the web server:
sign-in page, session gate, downloads, and the Blocks mounted behind them); `handlers.py`
holds one function per endpoint (user check → store/graph → view); `views.py` turns
records into HTML and table rows; `sessions.py` is sign-in and idle expiry.
"""
