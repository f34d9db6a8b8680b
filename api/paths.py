"""Where the web page's templates and static files live (inside the package, so an installed wheel has them)."""

from pathlib import Path

from fastapi.templating import Jinja2Templates

from screening.filetypes import ACCEPT_ATTRIBUTE, ACCEPTED_LABEL, BATCH_ACCEPT_ATTRIBUTE

HERE = Path(__file__).resolve().parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"

templates = Jinja2Templates(directory=TEMPLATES_DIR)
# The file types every chooser and hint on the page names: one list (``screening.filetypes``).
templates.env.globals.update(
    accepted_label=ACCEPTED_LABEL, accept=ACCEPT_ATTRIBUTE, batch_accept=BATCH_ACCEPT_ATTRIBUTE
)
