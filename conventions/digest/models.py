"""Models of the digests (none yet)."""
