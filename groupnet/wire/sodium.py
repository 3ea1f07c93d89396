"""libsodium, through `rbcl`, without the copy it leaves behind.

`rbcl` bundles libsodium as text, writes it to a new file in the temporary
directory on import and loads it from there, and never removes that file: 2.7 MB
per process that imports it. Once loaded the file is no longer needed (the
library stays mapped), so it is removed here, the one place groupnet imports
`rbcl`. The path is ctypes' documented `_name` of the loaded library.
"""

from __future__ import annotations

import contextlib
import os
import tempfile

import rbcl

_path = getattr(getattr(rbcl, "_sodium", None), "_name", None)
if isinstance(_path, str) and os.path.dirname(_path) == tempfile.gettempdir():
    # in use (Windows) or already gone: nothing is lost by keeping it
    with contextlib.suppress(OSError):
        os.unlink(_path)

__all__ = ["rbcl"]
