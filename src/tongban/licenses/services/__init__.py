"""Writes of the licence library: issuing, status, presentations, reuse, corrections, quality, imports."""
