"""attendance models arrive with their issue (see ARCHITECTURE.md)."""
