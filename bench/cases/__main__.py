"""``python -m bench.cases``: see ``bench/cases/run.py``."""

from bench.cases.run import main

raise SystemExit(main())
