"""Reference geography: départements, communes, outlines, place finding, distances.

Qt-free; data ship in ``stopcamb_desk/resources`` and load lazily on first use. Importing this
package is cheap (no shapely, no data): heavy work happens in the functions.
"""
