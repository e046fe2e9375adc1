"""Re-export of :mod:`wangge.territory.maps` for wangge/web/views/cases.py until it imports from there."""

from wangge.territory.maps import display_point, focus_bounds, grid_feature, map_settings

__all__ = ["display_point", "focus_bounds", "grid_feature", "map_settings"]
