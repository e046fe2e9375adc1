"""Writes to the territory tree.

The GeoJSON import lives in :mod:`wangge.territory.importing`, the export in :mod:`wangge.territory.exporting`,
the code and placement rules in :mod:`wangge.territory.rules` and the outline checks in
:mod:`wangge.territory.outlines`; single nodes are edited in the admin under those same rules.
"""

from __future__ import annotations

# Re-exported for wangge/api/views.py until it imports from wangge.territory.exporting.
from wangge.territory.exporting import territory_export_geojson

__all__ = ["territory_export_geojson"]
