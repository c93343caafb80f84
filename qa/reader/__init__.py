"""The trained reader as the app runs it: the model and how it reads (`model`), its calibrated
confidence (`confidence`), the shipped weights (`weights/`).

Not here: training, calibration and their data (qa.training, which depends on this package and
never the other way round).
"""
