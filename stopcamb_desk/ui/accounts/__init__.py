"""« Comptes »: the administrator's screen of operator accounts (``AccountsView``)."""
