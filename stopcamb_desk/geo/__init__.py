"""Reference geography: départements, communes, outlines, place finding, distances.

Qt-free; data ship in ``stopcamb_desk/resources`` and load lazily on first use. Importing its
modules is cheap (no data, no shapely, numpy nor geopy): they bind those with
:func:`~stopcamb_desk.lazy.lazy_module`, imported by the first function that needs one — except
:mod:`.projection`, the map's, which imports shapely and numpy at its top.
"""
