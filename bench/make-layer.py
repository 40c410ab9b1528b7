#!/usr/bin/env python3
"""Makes a directory tree for the unpack benchmark: N files of mixed sizes (mostly small, a few
large) totalling about TOTAL_MB, in a few thousand directories, plus some symlinks and hard
links. Deterministic (fixed seed), so every run measures the same layer."""
import os
import random
import sys

root, count, total_mb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(42)

# Sizes: 70% small (100 B - 4 KiB), 25% medium (4 - 32 KiB), 5% large (32 KiB - 1 MiB), then
# scaled so that the total is about total_mb.
sizes = []
for _ in range(count):
    r = rng.random()
    if r < 0.70:
        sizes.append(rng.randint(100, 4096))
    elif r < 0.95:
        sizes.append(rng.randint(4096, 32768))
    else:
        sizes.append(rng.randint(32768, 1 << 20))
scale = total_mb * 1024 * 1024 / sum(sizes)
sizes = [max(1, int(s * scale)) for s in sizes]

# Content: half random (incompressible), half text-like, from one pool to keep generation fast.
pool = rng.randbytes(4 << 20) + (b"lorem ipsum dolor sit amet, berth layer benchmark\n" * 90000)

dirs = []
for a in range(20):
    for b in range(10):
        for c in range(10):
            dirs.append(os.path.join(root, f"usr{a:02d}", f"lib{b}", f"pkg{c}"))
for d in dirs:
    os.makedirs(d, exist_ok=True)

paths = []
for i, size in enumerate(sizes):
    d = dirs[i % len(dirs)]
    p = os.path.join(d, f"file{i:05d}.dat")
    start = rng.randrange(0, len(pool) - size) if size < len(pool) else 0
    with open(p, "wb") as f:
        f.write(pool[start:start + size])
    os.chmod(p, 0o755 if i % 10 == 0 else 0o644)
    paths.append(p)

for i in range(0, count, 50):
    os.symlink(os.path.basename(paths[i]), paths[i] + ".link")
for i in range(25, count, 100):
    os.link(paths[i], paths[i] + ".hard")
