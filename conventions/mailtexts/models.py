"""Models of the mail texts the office edits (none yet)."""
