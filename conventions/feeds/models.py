"""Models of the calendar feeds (none yet)."""
