"""Views of the licence library, one module per audience."""
