"""« Carte » view: alert activity by département, what the phones show, brigades, communes."""
