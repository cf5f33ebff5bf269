"""Carrier adapters: ``base`` holds the contract, ``registry`` the installed carriers, one module each."""
