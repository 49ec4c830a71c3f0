"""Settings packages: base (shared), local (embedded SQLite), production, test."""
