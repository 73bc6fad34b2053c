"""The roster: reading people from CSV/XLSX, checking every row, and upserting them.

`reader` turns a file into numbered rows, `validate` applies the rules, `importer` loads
what the database knows and writes the changes in one transaction. Nothing here prints;
problems are returned as untranslated messages (`problems.Message`, or a whole-file
`problems.RosterFileError`) for the caller to render.
"""
