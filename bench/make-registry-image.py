#!/usr/bin/env python3
"""Pushes a synthetic multi-layer image straight into a registry over the OCI Distribution API.

usage: make-registry-image.py HOST:PORT REPO TAG LAYERS MB_PER_LAYER

Each layer holds random bytes (incompressible) and text (compressible, about 10:1), gzipped,
about MB_PER_LAYER compressed. Independent of both daemons, so neither gets a head start.
"""
import gzip, hashlib, http.client, io, json, os, sys, tarfile

host, repo, tag, layers, mb = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])


def request(method, path, body=None, headers=None):
    conn = http.client.HTTPConnection(host, timeout=300)
    conn.request(method, path, body=body, headers=headers or {})
    r = conn.getresponse()
    data = r.read()
    return r, data


def upload(blob):
    digest = "sha256:" + hashlib.sha256(blob).hexdigest()
    r, _ = request("HEAD", f"/v2/{repo}/blobs/{digest}")
    if r.status == 200:
        return digest
    r, _ = request("POST", f"/v2/{repo}/blobs/uploads/")
    assert r.status == 202, r.status
    loc = r.getheader("Location")
    if loc.startswith("http"):
        loc = loc.split(host, 1)[1]
    sep = "&" if "?" in loc else "?"
    r, data = request("PUT", f"{loc}{sep}digest={digest}", blob,
                      {"Content-Type": "application/octet-stream", "Content-Length": str(len(blob))})
    assert r.status == 201, (r.status, data)
    return digest


def layer(index):
    tar_bytes = io.BytesIO()
    with tarfile.open(fileobj=tar_bytes, mode="w") as t:
        random_part = os.urandom(int(mb * 0.8 * 1024 * 1024))
        words = (" ".join(f"line {i} of layer {index} with some words" for i in range(2000)) + "\n").encode()
        text_part = (words * (int(mb * 2 * 1024 * 1024) // len(words) + 1))[: int(mb * 2 * 1024 * 1024)]
        for name, data in ((f"data/{index}/random.bin", random_part), (f"data/{index}/text.txt", text_part)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o644
            t.addfile(info, io.BytesIO(data))
    raw = tar_bytes.getvalue()
    return raw, gzip.compress(raw, compresslevel=6, mtime=0)


diff_ids, descriptors = [], []
for i in range(layers):
    raw, gz = layer(i)
    diff_ids.append("sha256:" + hashlib.sha256(raw).hexdigest())
    descriptors.append({"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                        "digest": upload(gz), "size": len(gz)})
config = json.dumps({"architecture": "amd64", "os": "linux", "created": "2026-01-01T00:00:00Z",
                     "config": {"Cmd": ["/bin/sh"]}, "rootfs": {"type": "layers", "diff_ids": diff_ids},
                     "history": [{"created": "2026-01-01T00:00:00Z", "created_by": f"layer {i}"} for i in range(layers)]},
                    separators=(",", ":")).encode()
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                       "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                                  "digest": upload(config), "size": len(config)},
                       "layers": descriptors}, separators=(",", ":")).encode()
r, data = request("PUT", f"/v2/{repo}/manifests/{tag}", manifest,
                  {"Content-Type": "application/vnd.docker.distribution.manifest.v2+json"})
assert r.status == 201, (r.status, data)
total = sum(d["size"] for d in descriptors)
print(f"pushed {host}/{repo}:{tag}: {layers} layers, {total / 1e6:.1f} MB compressed")
