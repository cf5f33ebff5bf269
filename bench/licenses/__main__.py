"""``python -m bench.licenses``: see ``bench/licenses/run.py``."""

from bench.licenses.run import main

raise SystemExit(main())
