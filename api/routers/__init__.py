"""One router per resource; ``api.app`` includes them (FastAPI's "bigger applications" layout)."""
