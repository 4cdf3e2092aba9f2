"""Extractors: each turns one file into typed evidence, pure per file (cacheable by SHA-256)."""
