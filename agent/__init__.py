"""The review agent: configuration, citations, drafting, and the command line.

Importing it switches off the telemetry of the libraries it uses, before they load:
the product runs offline and sends nothing anywhere.
"""

import os

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
