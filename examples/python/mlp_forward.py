# Rebuilds an exported mlp's forward pass with NumPy alone, from the export's own files.
import json, struct, sys
import numpy as np

def read_safetensors(path):
    data = open(path, "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        assert entry["dtype"] == "F32"
        tensors[name] = np.frombuffer(body[begin:end], dtype="<f4").reshape(entry["shape"])
    return tensors

export = sys.argv[1]
model = json.load(open(f"{export}/model.json"))
pre = json.load(open(f"{export}/preprocessing.json"))["settings"]
classes = open(f"{export}/synset.txt").read().split("\n")
params = read_safetensors(f"{export}/model.safetensors")
assert model["kiln"]["model"]["type"] == "mlp" and model["kiln"]["model"]["activation"] == "relu"

shift = np.array(pre["scaling"]["shift"], dtype=np.float32)
scale = np.array(pre["scaling"]["scale"], dtype=np.float32)
layers = sorted({name.rsplit("_", 1)[0] for name in params})  # in order: 01hidden1, 03hidden2, 05output
lines = open(sys.argv[2]).read().splitlines()
for line in lines[1:] if pre["header"] else lines:
    if not line.strip():
        continue  # kiln predict skips blank lines too
    x = (np.array(line.split(pre["delimiter"]), dtype=np.float32) - shift) / scale
    for i, layer in enumerate(layers):
        x = params[layer + "_weight"] @ x + params[layer + "_bias"]
        if i < len(layers) - 1:
            x = np.maximum(x, 0)
    p = np.exp(x - x.max()); p /= p.sum()
    print(classes[int(p.argmax())], f"{p.max():.4f}")
