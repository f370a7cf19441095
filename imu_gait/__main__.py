"""``python -m imu_gait`` runs the ``imu-gait`` command."""
from .cli import main

raise SystemExit(main())
