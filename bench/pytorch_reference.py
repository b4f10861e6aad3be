"""PyTorch CPU reference for `npm run bench`: the bench's MLP and small CNN, batch 64, Adam, synthetic data.

Prints one JSON object on stdout: the torch version, which BLAS it was built with, the thread count, and for
each model the samples/s of every timed run (one epoch over the same number of batches as the tfjs rows) and
their median. Per-batch progress is delivered the way a training UI needs it: the loss is read back
(`loss.item()`) every batch, as tfjs's `fit` does with an onBatchEnd callback.

Usage: python3 bench/pytorch_reference.py '{"mlp": 30, "cnn": 5}' 5
"""

import json
import re
import statistics
import sys
import time

import torch
from torch import nn

BATCH = 64


def mlp() -> nn.Module:
    return nn.Sequential(
        nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10)
    )


def cnn() -> nn.Module:
    # Keras's Conv2D defaults: padding 'valid', stride 1; channels first here, the same arithmetic.
    return nn.Sequential(
        nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 5 * 5, 10),
    )


MODELS = {"mlp": (mlp, (784,)), "cnn": (cnn, (1, 28, 28))}


def blas() -> str:
    """The BLAS the build links, from torch's build configuration."""
    config = torch.__config__.show()
    match = re.search(r"BLAS_INFO=(\w+)", config)
    return match.group(1) if match else "unknown"


def one_epoch(build, sample_shape, batches: int, seed: int) -> float:
    torch.manual_seed(seed)
    model = build()
    # Keras's Adam defaults (ε 1e-7; PyTorch's default is 1e-8), learning rate 0.001 as in the tfjs rows.
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()  # softmax + categorical cross-entropy on logits
    count = batches * BATCH
    x = torch.rand((count, *sample_shape))
    y = torch.randint(0, 10, (count,))
    order = torch.randperm(count)
    start = time.perf_counter()
    for b in range(batches):
        index = order[b * BATCH:(b + 1) * BATCH]
        optimizer.zero_grad()
        loss = loss_fn(model(x[index]), y[index])
        loss.backward()
        optimizer.step()
        loss.item()
    return count / (time.perf_counter() - start)


def main() -> None:
    batches = json.loads(sys.argv[1])
    runs = int(sys.argv[2])
    results = {}
    for name, count in batches.items():
        build, shape = MODELS[name]
        one_epoch(build, shape, count, 0)  # warm-up
        figures = [one_epoch(build, shape, count, seed) for seed in range(1, runs + 1)]
        results[name] = {"batches": count, "runs": figures, "median": statistics.median(figures)}
    print(json.dumps({
        "version": torch.__version__,
        "blas": blas(),
        "threads": torch.get_num_threads(),
        "results": results,
    }))


if __name__ == "__main__":
    main()
