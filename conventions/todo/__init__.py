"""Each role's « À faire »: the work queues (issue 10)."""
