#!/usr/bin/env python3
"""What the console's network-wide figures cost, and how fast its page loads, with N real `skiff
router` processes on loopback in a random mesh (mesh_bench.py's) serving S services.

    console_bench.py SKIFF N S [--seconds T] [--degree D] [--seed S] [--json]

Service k has its connector at site k mod N (to one echo server) and its listener at site
(k + N/2) mod N, so every site holds S/N of each. After routes agree, it times until site 0's
router holds every site's summary with every service, then measures the SUMMARY bytes every router
sends and receives over T seconds (default 60) twice: idle, and busy — one flow per site sending
1 KiB a second through the network, so every site's figures change every interval and every site
re-issues its summary every interval, the worst case. Then it serves site 0's console (`skiff
console`) and times its first load: the page, its assets and its first API answers over HTTP
(curl), and in headless Chromium the time from navigation to the first drawing of the network
(the page records it in `data-first-render-ms`).

Every process it starts is killed and every file removed on the way out, whatever happens.
"""
import argparse, json, os, shutil, signal, socket, subprocess, sys, tempfile, time, asyncio, re

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mesh_bench import Mesh, management, free_ports, die_with_parent  # noqa: E402

LIMIT = 180.0


def wait_for(what, condition, limit=LIMIT, every=1.0):
    started = time.time()
    while time.time() - started < limit:
        if condition():
            return time.time() - started
        time.sleep(every)
    raise RuntimeError(f"{what}: not within {limit:.0f} s")


def network(mesh, i=0):
    try:
        status, body = management(mesh.state(i), "GET", "/v1/network")
        return json.loads(body) if status == 200 else None
    except (OSError, ValueError):
        return None


def summary_bytes(mesh):
    sent = received = 0
    per_router = []
    for status in mesh.statuses().values():
        routing = status.get("routing") or {}
        s, r = routing.get("summaryBytesSent", 0), routing.get("summaryBytesReceived", 0)
        sent += s
        received += r
        per_router.append(r)
    return sent, received, per_router


def measure(mesh, seconds):
    sent0, received0, per0 = summary_bytes(mesh)
    time.sleep(seconds)
    sent1, received1, per1 = summary_bytes(mesh)
    rates = [(b - a) / seconds for a, b in zip(per0, per1)]
    links = len(mesh.edges)
    return {
        "received_per_router_mean": round(sum(rates) / max(1, len(rates))),
        "received_per_router_max": round(max(rates or [0])),
        "per_link_direction_mean": round((sent1 - sent0) / seconds / (2 * links)),
        "total": round((received1 - received0) / seconds),
    }


async def trickle(ports, seconds):
    """One flow per port, 1 KiB a second each way (echoed), for `seconds`."""
    async def one(port):
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            deadline = time.time() + seconds
            while time.time() < deadline:
                writer.write(b"x" * 1024)
                await writer.drain()
                await asyncio.wait_for(reader.readexactly(1024), 10)
                await asyncio.sleep(1)
            writer.close()
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
            pass
    await asyncio.gather(*(one(port) for port in ports))


def quiet_ports(count):
    """`count` ports that bind now, below the kernel's ephemeral range: the hundreds of connections
    the routers dial take ephemeral ports, and must not take a port a router is yet to bind."""
    low, _ = (int(x) for x in open("/proc/sys/net/ipv4/ip_local_port_range").read().split())
    ports, candidate = [], max(1024, low - 1)
    while len(ports) < count and candidate > 1024:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", candidate))
                ports.append(candidate)
            except OSError:
                pass
        candidate -= 1
    if len(ports) < count:
        raise RuntimeError(f"only {len(ports)} free ports below the ephemeral range")
    return ports


def curl_time(url):
    out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{time_total} %{size_download}", "--max-time", "10", url],
                         capture_output=True, text=True).stdout.split()
    return float(out[0]), int(out[1])


def bench(skiff, n, services, seconds, degree, seed):
    work = tempfile.mkdtemp(prefix=f"skiff-console-{n}-")
    mesh, echo, console = None, None, None
    try:
        mesh = Mesh(skiff, n, degree, seed, work)
        echo = subprocess.Popen([sys.executable, os.path.join(os.path.dirname(__file__), "echo_server.py")], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, preexec_fn=die_with_parent)
        echo_port = int(echo.stdout.readline())
        ports = quiet_ports(n + services)
        mesh.ports, listener_ports = ports[:n], ports[n:]
        first_listener = {}
        for i in range(n):
            config = mesh.config(i)
            config["connectors"] = [{"name": f"svc{k:04d}", "routingKey": f"svc{k:04d}", "host": "127.0.0.1", "port": echo_port}
                                    for k in range(services) if k % n == i]
            config["listeners"] = [{"name": f"svc{k:04d}", "routingKey": f"svc{k:04d}", "host": "127.0.0.1", "port": listener_ports[k]}
                                   for k in range(services) if (k + n // 2) % n == i]
            if config["listeners"]:
                first_listener[i] = config["listeners"][0]["port"]
            mesh.write_config(i, config)
        for i in range(n):
            mesh.start(i)
        started = time.time()
        for i in range(n):
            mesh.wait_for_socket(i)
        result = {"routers": n, "links": len(mesh.edges), "services": services}
        result["routes_agree_seconds"] = round(mesh.converge(mesh.edges, started), 1)

        def complete():
            view = network(mesh)
            return view is not None and len(view["sites"]) == n and len(view["services"]) == services and \
                all(s["connectors"] and s["listeners"] for s in view["services"])
        result["summaries_complete_seconds"] = round(wait_for("every site's summary at site 0", complete) + result["routes_agree_seconds"], 1)
        time.sleep(35)  # past the start's burst and one refresh
        result["idle"] = measure(mesh, seconds)
        loop = asyncio.new_event_loop()
        import threading
        traffic = threading.Thread(target=lambda: loop.run_until_complete(trickle(list(first_listener.values()), seconds + 20)))
        traffic.start()
        time.sleep(10)
        result["busy"] = measure(mesh, seconds)
        traffic.join()

        port = free_ports(1)[0]
        console = subprocess.Popen([skiff, "console", "--site", mesh.names[0], "--state-dir", mesh.state(0), "--http", f"127.0.0.1:{port}",
                                    "--log-level", "error"], preexec_fn=die_with_parent)
        wait_for("the console", lambda: curl_time(f"http://127.0.0.1:{port}/healthz")[1] > 0, limit=20, every=0.1)
        base = f"http://127.0.0.1:{port}"
        loads = {path: curl_time(base + path) for path in
                 ["/", "/assets/console.css", "/assets/console.js", "/assets/chart.min.js", "/api/v1/network", "/api/v1/throughput?seconds=900&top=10"]}
        result["http_sequential_seconds"] = round(sum(t for t, _ in loads.values()), 3)
        result["http_bytes"] = sum(size for _, size in loads.values())
        result["network_json_bytes"] = loads["/api/v1/network"][1]
        result["network_json_seconds"] = round(loads["/api/v1/network"][0], 3)
        if shutil.which("chromium"):
            profile = os.path.join(work, "chromium")
            dom = subprocess.run(["timeout", "60", "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                  f"--user-data-dir={profile}", "--virtual-time-budget=4000", "--dump-dom", base + "/"],
                                 capture_output=True, text=True).stdout
            match = re.search(r'data-first-render-ms="(\d+)"', dom)
            result["chromium_first_render_ms"] = int(match.group(1)) if match else None
            result["chromium_sites_drawn"] = len(set(re.findall(r'<g data-site="([^"]+)"', dom)))
        return result
    finally:
        for process in (console, echo):
            if process:
                process.kill()
                process.wait()
        if mesh:
            mesh.stop()
        if os.environ.get("KEEP_WORK"):
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("skiff")
    parser.add_argument("routers", type=int)
    parser.add_argument("services", type=int)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--degree", type=float, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    try:
        result = bench(os.path.abspath(args.skiff), args.routers, args.services, args.seconds, args.degree, args.seed)
    except (RuntimeError, subprocess.CalledProcessError) as error:
        print(f"FAILED: {error}", flush=True)
        sys.exit(1)
    if args.json:
        print(json.dumps(result))
        return
    r = result
    print(f"{r['routers']} routers, {r['links']} links, {r['services']} services: routes agree {r['routes_agree_seconds']} s after the last "
          f"start; site 0 holds every site's summary with every service after {r['summaries_complete_seconds']} s")
    for phase in ("idle", "busy"):
        m = r[phase]
        print(f"  SUMMARY bytes, {phase}: {m['received_per_router_mean']} B/s received per router (max {m['received_per_router_max']}), "
              f"{m['per_link_direction_mean']} B/s per link direction, {m['total']} B/s in all")
    print(f"  console first load over HTTP (page, assets, /api/v1/network, /api/v1/throughput, one after another): "
          f"{r['http_sequential_seconds']} s, {r['http_bytes'] // 1024} KiB; /api/v1/network alone {r['network_json_seconds']} s, "
          f"{r['network_json_bytes'] // 1024} KiB")
    if "chromium_first_render_ms" in r:
        print(f"  headless Chromium: network drawn {r['chromium_first_render_ms']} ms after navigation ({r['chromium_sites_drawn']} sites drawn)")


if __name__ == "__main__":
    main()
