"""Batch cataloguing: records made, converted, edited and matched in bulk.

Spreadsheet title lists to MARC and back (``spreadsheet``), print records to e-book
records (``print2e``), rule-based batch edits (``edit``) and vendor updates matched to
the catalogue (``match``). Every record these write goes through the MARC rules.
"""
