"""``python -m bench.search``: see ``bench/search/run.py``."""

from bench.search.run import main

raise SystemExit(main())
