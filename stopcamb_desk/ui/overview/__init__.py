"""« Tableau national » view: the country's alerts per département and day, phones, CSV."""
