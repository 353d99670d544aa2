"""Models of attendance's certificates (placeholder: filled by its subject).

Re-exported by attendance/models.py; other attendance models are named
by string (\"attendance.Session\"), never imported here (no cycle)."""
