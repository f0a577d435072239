#!/usr/bin/env python3
"""Link-state routing at scale: N real `skiff router` processes on loopback in a random mesh.

    mesh_bench.py SKIFF N [N ...] [--degree D] [--seed S] [--events] [--json]

For each N: a random connected mesh (a random spanning tree plus random links up to an average
degree of D, each link a random cost 1-4), one router process per site, every link mutual TLS
(certificates made here with openssl: one CA and one key for the whole bench, each site its own
certificate naming it). Every router is polled through its management socket until each one's
routing table is the one a shortest-path computation over the mesh gives (costs; the next hop
must begin a cheapest path). Prints the time from the last router's start until all agree and the
link-state messages per router. With --events: a router leaving (SIGKILL), joining again, and a
link removed and restored (the dialling router's configuration replaced), each timed until every
router agrees again, with the messages it cost.

Exits 1 when the routers do not agree within the time allowed. Every process it starts is killed
and every file removed on the way out, whatever happens.
"""
import argparse, ctypes, heapq, http.client, json, os, random, shutil, signal, socket, subprocess, sys, tempfile, time

CONVERGE_LIMIT = 120.0  # seconds allowed for any agreement


class UnixHTTP(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=2)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(2)
        self.sock.connect(self.path)


def management(state, method, path, body=None):
    connection = UnixHTTP(os.path.join(state, "router", "router.sock"))
    try:
        connection.request(method, path, body=body, headers={"Content-Type": "application/json"} if body else {})
        response = connection.getresponse()
        data = response.read()
        return response.status, data
    finally:
        connection.close()


def free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def die_with_parent():
    """In a router's process before exec: killed when this driver dies, however it dies."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def run(*args):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def mesh(n, degree, rng):
    """Edges (dialler, target, cost): a random spanning tree, then random links up to the degree."""
    edges = {}
    for i in range(1, n):
        j = rng.randrange(i)
        edges[(i, j)] = rng.randint(1, 4)
    want = max(n - 1, int(n * degree / 2))
    while len(edges) < want:
        a, b = rng.randrange(n), rng.randrange(n)
        if a != b and (a, b) not in edges and (b, a) not in edges:
            edges[(a, b)] = rng.randint(1, 4)
    return edges


def expected_routes(names, edges, origin, alive):
    """Cheapest cost to every router `origin` reaches, and the next hops that begin a cheapest path."""
    graph = {name: {} for name in alive}
    for (a, b), cost in edges.items():
        if names[a] in alive and names[b] in alive:
            graph[names[a]][names[b]] = cost
            graph[names[b]][names[a]] = cost
    dist = {origin: 0}
    hops = {origin: set()}
    queue = [(0, origin)]
    while queue:
        d, node = heapq.heappop(queue)
        if d > dist[node]:
            continue
        for neighbour, cost in graph[node].items():
            candidate = d + cost
            first = {neighbour} if node == origin else hops[node]
            if neighbour not in dist or candidate < dist[neighbour]:
                dist[neighbour] = candidate
                hops[neighbour] = set(first)
                heapq.heappush(queue, (candidate, neighbour))
            elif candidate == dist[neighbour]:
                hops[neighbour] |= first
    return {node: (dist[node], hops[node]) for node in dist if node != origin}


class Mesh:
    def __init__(self, skiff, n, degree, seed, work):
        self.skiff, self.n, self.work = skiff, n, work
        rng = random.Random(seed)
        self.names = [f"s{i:03d}" for i in range(n)]
        self.edges = mesh(n, degree, rng)
        self.ports = free_ports(n)
        self.processes = {}
        self.alive = set()
        self.make_pki()
        for i in range(n):
            self.write_config(i, self.config(i))

    def state(self, i):
        return os.path.join(self.work, self.names[i])

    def make_pki(self):
        pki = os.path.join(self.work, "pki")
        os.makedirs(pki)
        ca_key, ca_crt, key = (os.path.join(pki, f) for f in ("ca.key", "ca.crt", "tls.key"))
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", ca_key,
            "-out", ca_crt, "-subj", "/CN=mesh bench CA", "-days", "2")
        run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key)
        csr = os.path.join(pki, "site.csr")
        run("openssl", "req", "-new", "-key", key, "-subj", "/CN=mesh site", "-out", csr)
        for i, name in enumerate(self.names):
            folder = os.path.join(self.state(i), "pki")
            for sub in ("server", "trust", "ca"):
                os.makedirs(os.path.join(folder, sub))
            ext = os.path.join(pki, f"{name}.ext")
            with open(ext, "w") as f:
                f.write(f"extendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=IP:127.0.0.1,URI:urn:skiff:site:{name}\n")
            crt = os.path.join(folder, "server", "tls.crt")
            run("openssl", "x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key, "-CAcreateserial", "-days", "2",
                "-extfile", ext, "-out", crt)
            shutil.copy(key, os.path.join(folder, "server", "tls.key"))
            shutil.copy(ca_crt, os.path.join(folder, "trust", "bundle.pem"))
            shutil.copy(ca_crt, os.path.join(folder, "ca", "ca.crt"))
            for (a, b) in self.edges:
                if a == i:
                    link = os.path.join(folder, "links", f"to-{self.names[b]}")
                    os.makedirs(link)
                    shutil.copy(crt, os.path.join(link, "tls.crt"))
                    shutil.copy(key, os.path.join(link, "tls.key"))
                    shutil.copy(ca_crt, os.path.join(link, "ca.crt"))

    def config(self, i, without=None):
        links = [{"name": f"to-{self.names[b]}", "host": "127.0.0.1", "port": self.ports[b], "cost": cost}
                 for (a, b), cost in sorted(self.edges.items()) if a == i and (a, b) != without]
        return {"site": self.names[i], "linkAccess": [{"role": "inter-router", "host": "127.0.0.1", "port": self.ports[i]}],
                "links": links}

    def write_config(self, i, config):
        os.makedirs(os.path.join(self.state(i), "router"), exist_ok=True)
        with open(os.path.join(self.state(i), "router", "config.json"), "w") as f:
            json.dump(config, f)

    def start(self, i):
        log = open(os.path.join(self.state(i), "router.log"), "ab")
        self.processes[i] = subprocess.Popen([self.skiff, "router", "--site", self.names[i], "--state-dir", self.state(i),
                                              "--log-level", "error"], stdout=log, stderr=log,
                                             preexec_fn=die_with_parent)
        self.alive.add(self.names[i])

    def wait_for_socket(self, i, limit=30):
        deadline = time.time() + limit
        while time.time() < deadline:
            try:
                if management(self.state(i), "GET", "/v1/status")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"router {self.names[i]} did not answer: see {self.state(i)}/router.log")

    def kill(self, i):
        self.processes[i].send_signal(signal.SIGKILL)
        self.processes[i].wait()
        del self.processes[i]
        self.alive.discard(self.names[i])

    def stop(self):
        for process in self.processes.values():
            process.kill()
        for process in self.processes.values():
            process.wait()
        self.processes.clear()

    def statuses(self):
        result = {}
        for i in self.processes:
            try:
                status, body = management(self.state(i), "GET", "/v1/status")
                if status == 200:
                    result[self.names[i]] = json.loads(body)
            except (OSError, ValueError):
                pass
        return result

    def disagreement(self, edges, statuses):
        """The first router whose routes differ from the computed ones, in words (None: all agree)."""
        for name in sorted(self.alive):
            status = statuses.get(name)
            if status is None:
                return f"{name} did not answer"
            routes = {r["destination"]: r for r in (status.get("routing") or {}).get("routes", [])}
            expected = expected_routes(self.names, edges, name, self.alive)
            if set(routes) != set(expected):
                missing, extra = sorted(set(expected) - set(routes)), sorted(set(routes) - set(expected))
                return f"{name}: {len(missing)} routes missing {missing[:3]}, {len(extra)} extra {extra[:3]}"
            for destination, (cost, hops) in expected.items():
                route = routes[destination]
                if route["cost"] != cost or route["nextHop"] not in hops:
                    return f"{name} → {destination}: cost {route['cost']} via {route['nextHop']}, expected {cost} via {sorted(hops)}"
        return None

    def converge(self, edges, since):
        """Seconds from `since` until every router agrees with the computation; raises past the limit."""
        last = "nothing polled"
        while time.time() - since < CONVERGE_LIMIT:
            last = self.disagreement(edges, self.statuses())
            if last is None:
                # When the round that found agreement ended: an upper bound, by up to one round.
                return time.time() - since
            # Polling 200 routers' status (routes and the whole database each) is work for them
            # and for the poller: poll larger meshes less often.
            time.sleep(max(0.2, self.n / 400))
        raise RuntimeError(f"no agreement after {CONVERGE_LIMIT:.0f} s: {last}")

    def received(self):
        """Link-state frames each router has received."""
        return {name: (status.get("routing") or {}).get("linkStateReceived", 0) for name, status in self.statuses().items()}

    def messages(self):
        """Link-state frames sent and received, summed over the routers, and the routers' resident KiB."""
        sent = received = 0
        for status in self.statuses().values():
            routing = status.get("routing") or {}
            sent += routing.get("linkStateSent", 0)
            received += routing.get("linkStateReceived", 0)
        rss = []
        for process in self.processes.values():
            try:
                with open(f"/proc/{process.pid}/status") as f:
                    rss += [int(line.split()[1]) for line in f if line.startswith("VmRSS:")]
            except OSError:
                pass
        return sent, received, rss


def bench(skiff, n, degree, seed, events):
    work = tempfile.mkdtemp(prefix=f"skiff-mesh-{n}-")
    mesh = None
    try:
        mesh = Mesh(skiff, n, degree, seed, work)
        for i in range(n):
            mesh.start(i)
        started = time.time()
        for i in range(n):
            mesh.wait_for_socket(i)
        result = {"routers": n, "links": len(mesh.edges)}
        result["converge_seconds"] = round(mesh.converge(mesh.edges, started), 2)
        sent, received, rss = mesh.messages()
        result["link_state_received_per_router"] = round(received / n, 1)
        result["link_state_sent_per_router"] = round(sent / n, 1)
        result["rss_kib_per_router"] = int(sum(rss) / max(1, len(rss)))
        if events:
            result["events"] = run_events(mesh, n)
        return result
    finally:
        if mesh:
            mesh.stop()
        shutil.rmtree(work, ignore_errors=True)


def timed(mesh, edges, n, change):
    """Applies `change`, then times agreement and counts the link-state messages it took."""
    before = mesh.received()
    started = time.time()
    change()
    seconds = mesh.converge(edges, started)
    time.sleep(0.5)  # late duplicates still count
    after = mesh.received()
    # Routers up before and after (a joining router's own count starts at its start).
    common = [name for name in after if name in before]
    frames = sum(after[name] - before[name] for name in common) / max(1, len(common))
    return {"seconds": round(seconds, 2), "received_per_router": round(frames, 1)}


def run_events(mesh, n):
    # The router with most links leaves, then comes back.
    degree = {}
    for (a, b) in mesh.edges:
        degree[a] = degree.get(a, 0) + 1
        degree[b] = degree.get(b, 0) + 1
    busiest = max(degree, key=lambda i: (degree[i], -i))
    events = {}
    events["leave"] = timed(mesh, mesh.edges, n, lambda: mesh.kill(busiest))

    def join():
        mesh.start(busiest)
        mesh.wait_for_socket(busiest)

    events["join"] = timed(mesh, mesh.edges, n, join)
    # A link goes (its dialler's configuration replaced without it), then comes back.
    edge = sorted(mesh.edges)[len(mesh.edges) // 2]
    without = {e: c for e, c in mesh.edges.items() if e != edge}

    def replace(config):
        status, body = management(mesh.state(edge[0]), "PUT", "/v1/config", json.dumps(config).encode())
        if status // 100 != 2:
            raise RuntimeError(f"config PUT answered {status}: {body[:200]!r}")

    events["link_down"] = timed(mesh, without, n, lambda: replace(mesh.config(edge[0], without=edge)))
    events["link_up"] = timed(mesh, mesh.edges, n, lambda: replace(mesh.config(edge[0])))
    return events


def main():
    # Terminated (a test runner's timeout): unwind, so the routers are killed and the files removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("skiff")
    parser.add_argument("sizes", nargs="+", type=int)
    parser.add_argument("--degree", type=float, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--events", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    status = 0
    for n in args.sizes:
        try:
            result = bench(os.path.abspath(args.skiff), n, args.degree, args.seed, args.events)
        except (RuntimeError, subprocess.CalledProcessError) as error:
            result, status = {"routers": n, "error": str(error)}, 1
        if args.json:
            print(json.dumps(result), flush=True)
            continue
        if "error" in result:
            print(f"{n} routers: FAILED: {result['error']}", flush=True)
            continue
        print(f"{n} routers, {result['links']} links: all agree {result['converge_seconds']} s after the last start; "
              f"link-state messages per router: {result['link_state_received_per_router']} received, "
              f"{result['link_state_sent_per_router']} sent; {result['rss_kib_per_router'] // 1024} MiB resident per router", flush=True)
        for name, event in result.get("events", {}).items():
            print(f"  {name.replace('_', ' ')}: all agree after {event['seconds']} s, {event['received_per_router']} messages per router", flush=True)
    sys.exit(status)


if __name__ == "__main__":
    main()
