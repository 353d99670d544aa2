"""The school's identity as data (DOC-11, CONTACT-1): one record per
academic start year where it changes, edited by the office; every document
and e-mail reads the record that applies to the dossier's year."""
