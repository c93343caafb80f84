"""Making the reader: its training data (`data`, synthetic cloze questions in `cloze`), training
(`train`: `qa train-reader`) and the calibration of its confidence (`calibrate`:
`qa calibrate-reader`).

Depends on the runtime (qa.reader: the model and its confidence) and, for calibration, on the
whole product (qa.pipeline) and on evaluation (qa.eval); nothing the app runs imports it.
"""
