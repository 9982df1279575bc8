from __future__ import annotations

import sys

from stopcamb_desk.cli import main

sys.exit(main())
