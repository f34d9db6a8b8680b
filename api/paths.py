"""Where the web page's templates and static files live (inside the package, so an installed wheel has them)."""

from pathlib import Path

from fastapi.templating import Jinja2Templates

HERE = Path(__file__).resolve().parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"

templates = Jinja2Templates(directory=TEMPLATES_DIR)
