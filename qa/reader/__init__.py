"""The trained reader: the model and how it reads (`model`), its training data (`data`), training (`train`), calibration (`calibrate`), the shipped weights (`weights/`)."""
