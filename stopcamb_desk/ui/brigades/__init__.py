"""« Brigades » view: the directory, « Trouver la brigade », edits and the CSV import."""
