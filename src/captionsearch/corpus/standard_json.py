"""Standard JSON formats, recognised before the manifest reader looks for records itself.

``STANDARD_JSON`` holds ``(recognise, "module:function")`` pairs. The JSON
reader (manifest.read_json) parses a file, then asks each ``recognise`` in
order with the parsed document (``recognise(document) -> bool``) before it
looks for records in the generic way (a list, a list under a key, one
object). The first that answers True decides: the reader imports
``captionsearch.corpus.<module>`` and yields what
``function(document, path, report, limits) -> Iterator[CaptionRecord]``
yields instead (``path`` the file's Path, ``report`` the callable that takes
each CorpusError, ``limits`` the run's ReadLimits, which carry the field
map), and reads the file no further. ``recognise`` must be cheap, must not
raise, and must be True only for documents of its format; with
``--records-at`` the generic reading is asked for and no entry is consulted.
"""

from __future__ import annotations

from typing import Any, Callable

from .iiif import is_iiif_presentation

STANDARD_JSON: tuple[tuple[Callable[[Any], bool], str], ...] = (
    (is_iiif_presentation, "iiif:read_iiif"),  # IIIF Presentation 3 manifests and collections
)
