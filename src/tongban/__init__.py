"""tongban (通办): an open-source one-network government services platform."""

__version__ = "0.1.0"
