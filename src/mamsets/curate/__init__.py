"""Curate a PFOCR figure record into audited, mechanism-level gene sets."""
