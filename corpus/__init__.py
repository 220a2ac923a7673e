"""The guideline corpus: sources, cleaning, chunking, and the hybrid index.

Importing the package switches off onnxruntime's and Chroma's telemetry before either
library can load (ORT reads its variable at import): the index is built and queried
offline and sends nothing anywhere.
"""

import os

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
