"""The HTTP face of ``screening``: a FastAPI app over the core library, plus the Chinese web page.

Nothing here decides anything about a material; every answer comes from ``screening`` (pipeline, batch, archive).
This package only turns HTTP into function calls and back: uploads into bytes (``api.uploads``), API keys into a
bureau (``api.access``), ``ScreeningError`` into JSON with its status (``api.errors``).
"""
