# docker-py's network API against a Berth daemon, run by DockerPyNetworkIT through DockerPy (which
# gives `client` and `docker`) with `prefix`, "10.X" of the daemon's own pool, set before it.
# Prints "DOCKERPY OK" when every step behaved; a failed check ends with a traceback.
import time
import urllib.request

subnet = prefix + ".210.0/24"

ipam = docker.types.IPAMConfig(pool_configs=[docker.types.IPAMPool(subnet=subnet, gateway=prefix + ".210.1")])
net = client.networks.create("pynet", driver="bridge", ipam=ipam, labels={"tier": "py"}, check_duplicate=True)
net.reload()
assert net.attrs["IPAM"]["Config"][0]["Subnet"] == subnet, net.attrs
assert net.attrs["Labels"] == {"tier": "py"}, net.attrs
assert client.networks.get(net.id).name == "pynet"
assert client.networks.get(net.id[:12]).id == net.id
assert [n.name for n in client.networks.list(filters={"label": "tier=py"})] == ["pynet"]
assert "pynet" in [n.name for n in client.networks.list(names=["pynet"])]

try:
    client.networks.create("pyclash", ipam=ipam)
    raise AssertionError("an overlapping subnet was accepted")
except docker.errors.APIError as e:
    assert "overlaps" in str(e), e
try:
    client.networks.get("nosuch")
    raise AssertionError("a missing network was found")
except docker.errors.NotFound:
    pass

ctr = client.containers.run("busybox", "sleep 120", detach=True)
net.connect(ctr, aliases=["pyalias"], ipv4_address=prefix + ".210.50")
ctr.reload()
endpoint = ctr.attrs["NetworkSettings"]["Networks"]["pynet"]
assert endpoint["IPAddress"] == prefix + ".210.50", endpoint
assert "pyalias" in endpoint["Aliases"], endpoint
net.reload()
assert ctr.id in net.attrs["Containers"], net.attrs
exit_code, output = ctr.exec_run("cat /etc/hosts")
assert prefix + ".210.50" in output.decode(), output

client.api.disconnect_container_from_network(ctr.id, net.id)
ctr.reload()
assert "pynet" not in ctr.attrs["NetworkSettings"]["Networks"], ctr.attrs["NetworkSettings"]
ctr.remove(force=True)
net.remove()

client.networks.create("pyprunable")
pruned = client.networks.prune()
assert "pyprunable" in pruned["NetworksDeleted"], pruned

web = client.containers.run(
    "busybox",
    ["sh", "-c", "mkdir -p /www && echo from-py > /www/index.html && exec httpd -f -p 80 -h /www"],
    detach=True,
    ports={"80/tcp": ("127.0.0.1", None)},
)
web.reload()
host_port = web.ports["80/tcp"][0]["HostPort"]
body = None
for _ in range(150):
    try:
        body = urllib.request.urlopen("http://127.0.0.1:%s/" % host_port, timeout=5).read().decode()
        break
    except OSError:
        time.sleep(0.2)
assert body == "from-py\n", body
web.remove(force=True)
print("DOCKERPY OK")
