# Jupyter server settings on Binder (binder/postBuild installs this file).
# ruff: noqa: F821  (`c` is the configuration object Jupyter provides)

# A lesson's kernel idle for 15 minutes is shut down, even with its tab still open, so that
# a learner who opened several lessons stays within Binder's 1 GB. Its variables are lost:
# re-run the lesson (Run > Run All Cells) to continue.
c.MappingKernelManager.cull_idle_timeout = 900  # seconds: 15 minutes
c.MappingKernelManager.cull_interval = 60
c.MappingKernelManager.cull_connected = True
