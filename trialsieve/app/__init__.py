"""The Gradio app. Gradio's usage analytics are off before Gradio is imported: the app makes no
calls to the internet."""

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
